import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, EntityManager } from 'typeorm';
import type { Viewer } from '../access/viewer.js';
import { UUID_RE } from '../access/policy.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import type { DomainEvents } from '../common/events.js';
import type { NotificationView, Page } from '../contract/views.js';
import { prepared, run } from '../database/prepared.js';
import { SecretsService } from '../database/secrets.service.js';
import type { ListNotificationsQuery, MarkReadDto } from './notification.dto.js';

export type NotificationKind = 'reply' | 'mention' | 'moderation' | 'report' | 'support' | 'reply_to_you' | 'follow_up_reminder' | 'highlighted';

export interface NewNotification {
  kind: NotificationKind;
  /** Shown to the member as plain text; never an anonymous author's username or id. */
  text: string;
  threadId?: string | null;
  replyId?: string | null;
  /** Who caused it, kept for later filtering (muting); never shown. Leave it out for an anonymous actor. */
  actorId?: string | null;
}

export interface NotificationRow {
  id: string;
  kind: NotificationKind;
  thread_id: string | null;
  reply_id: string | null;
  text: string;
  read_at: Date | null;
  created_at: Date;
  created_key?: string;
}

const COLUMNS = `n.id, n.kind, n.thread_id, n.reply_id::text AS reply_id, n.text, n.read_at, n.created_at`;

// nothing for an erased member; replies and mentions wait out a break and skip a muted story
const NOTIFY = prepared(
  'notification.insert',
  `INSERT INTO notifications AS n (user_id, kind, thread_id, reply_id, actor_id, text)
   SELECT $1, $2, $3, $4::bigint, $5, $6
    WHERE NOT EXISTS (SELECT 1 FROM users WHERE id = $1 AND (deleted_at IS NOT NULL OR ($7::boolean AND break_until > now())))
      AND NOT ($7::boolean AND EXISTS (SELECT 1 FROM thread_mutes WHERE user_id = $1 AND thread_id = $3))
   RETURNING ${COLUMNS}`,
);

/** The kinds of notification a reply causes for others, withdrawn with it when it is hidden or removed. */
const CAUSED_BY_REPLY = ['reply', 'mention', 'reply_to_you'];

/** Longer texts (a moderator's reason, say) are cut here so one notification cannot grow without bound. */
export const MAX_TEXT = 1000;

type ListCursor = { t: string; id: string };
const isListCursor = (v: unknown): v is ListCursor => {
  const c = v as Record<string, unknown>;
  return !!c && typeof c === 'object' && typeof c.id === 'string' && UUID_RE.test(c.id) && typeof c.t === 'string' && !Number.isNaN(Date.parse(c.t));
};

export type NotificationPage = Page<NotificationView> & { unread: number };

/** A member's notifications: stored, then pushed live by the realtime module on `notification.created`. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretsService,
    private readonly events: EventEmitter2,
  ) {}

  private emit<K extends keyof DomainEvents>(name: K, payload: DomainEvents[K]): void {
    this.events.emit(name, payload);
  }

  /**
   * Stores a notification and emits `notification.created` (the realtime module pushes it), on its own, after the
   * change it reports has committed. Replies and mentions are skipped for a member taking a break or who muted the
   * story; moderation notices always reach them. Returns null when nothing was stored.
   */
  async notify(userId: string, n: NewNotification): Promise<string | null> {
    const row = await this.insert(this.dataSource, userId, n);
    if (row) this.announce(userId, row);
    return row?.id ?? null;
  }

  /** Stores a notification inside the caller's transaction; `announce` it once that has committed. */
  async insert(em: EntityManager | DataSource, userId: string, n: NewNotification): Promise<NotificationRow | null> {
    const text = n.text.length > MAX_TEXT ? `${n.text.slice(0, MAX_TEXT - 1)}…` : n.text;
    const quiet = n.kind === 'reply' || n.kind === 'mention' || n.kind === 'reply_to_you' || n.kind === 'highlighted';
    const rows: NotificationRow[] = await run(em, NOTIFY, [userId, n.kind, n.threadId ?? null, n.replyId ?? null, n.actorId ?? null, text, quiet]);
    return rows[0] ?? null;
  }

  /** The live push of a stored notification (the view travels with the event, so the push does not read it back). */
  announce(userId: string, row: NotificationRow): void {
    this.emit('notification.created', { userId, notificationId: row.id, view: this.view(row) });
  }

  /**
   * Withdraws, inside the caller's transaction, the notifications a reply caused (its story's author told of it, the
   * members it mentioned), once a moderator hid or removed it; what moderators told its author stays. Returns them
   * by owner, for `announceRemoved` once the transaction has committed.
   */
  async withdrawForReply(em: EntityManager | DataSource, replyId: string): Promise<Map<string, string[]>> {
    const [rows]: [{ id: string; user_id: string }[], number] = await em.query(
      `DELETE FROM notifications WHERE reply_id = $1::bigint AND kind = ANY($2::text[]) RETURNING id, user_id`,
      [replyId, CAUSED_BY_REPLY],
    );
    const byOwner = new Map<string, string[]>();
    for (const r of rows) byOwner.set(r.user_id, [...(byOwner.get(r.user_id) ?? []), r.id]);
    return byOwner;
  }

  /** The live push of withdrawn notifications: `notification.removed {ids}` to each owner. */
  announceRemoved(byOwner: Map<string, string[]>): void {
    for (const [userId, ids] of byOwner) this.emit('notification.removed', { userId, ids });
  }

  /** The member view of a stored notification: never who caused it. */
  view(r: NotificationRow): NotificationView {
    return {
      id: r.id,
      kind: r.kind,
      threadId: r.thread_id,
      replyId: r.reply_id,
      text: r.text,
      read: r.read_at !== null,
      createdAt: r.created_at.toISOString(),
    };
  }

  /** One notification of its owner (for the realtime push), or null when it is not theirs or gone. */
  async getView(userId: string, id: string): Promise<NotificationView | null> {
    if (typeof id !== 'string' || !UUID_RE.test(id) || typeof userId !== 'string' || !UUID_RE.test(userId)) return null;
    const rows: NotificationRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM notifications n WHERE n.id = $1 AND n.user_id = $2`, [id, userId]);
    return rows[0] ? this.view(rows[0]) : null;
  }

  async unreadCount(userId: string): Promise<number> {
    const rows: { n: number }[] = await this.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL`, [userId]);
    return rows[0].n;
  }

  /** The caller's own notifications, newest first, by keyset on (created_at, id). */
  async list(viewer: Viewer, q: ListNotificationsQuery): Promise<NotificationPage> {
    const limit = q.limit ?? 20;
    const secret = this.secrets.appSecret;
    const cursor = decodeCursor(secret, q.cursor, isListCursor);
    const params: unknown[] = [viewer.id];
    let after = '';
    if (cursor) {
      params.push(cursor.t, cursor.id);
      after = `AND (n.created_at, n.id) < ($2::timestamptz, $3::uuid)`;
    }
    params.push(limit + 1);
    // created_at as text keeps its microseconds, which a JS Date would drop and so repeat or skip rows
    const rows: NotificationRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS}, n.created_at::text AS created_key
         FROM notifications n
        WHERE n.user_id = $1 ${after}
        ORDER BY n.created_at DESC, n.id DESC
        LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => this.view(r)),
      nextCursor: rows.length > limit && last ? encodeCursor(secret, { t: last.created_key, id: last.id }) : null,
      unread: await this.unreadCount(viewer.id),
    };
  }

  /** Marks the caller's notifications read, by id or all at once; ids of anyone else's are ignored. */
  async markRead(viewer: Viewer, dto: MarkReadDto): Promise<{ unread: number }> {
    if (dto.all === true) {
      await this.dataSource.query(`UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL`, [viewer.id]);
    } else if (dto.ids?.length) {
      const ids = [...new Set(dto.ids.map((id) => id.toLowerCase()))];
      await this.dataSource.query(`UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL AND id = ANY($2::uuid[])`, [viewer.id, ids]);
    }
    return { unread: await this.unreadCount(viewer.id) };
  }
}
