import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, EntityManager } from 'typeorm';
import type { Viewer } from '../access/viewer.js';
import { UUID_RE } from '../access/policy.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import type { DomainEvents } from '../common/events.js';
import type { AuthorView, NotificationView, Page, ReactionKind } from '../contract/views.js';
import { namedActorBlocked } from '../access/read-rule.js';
import { FORMER_MEMBER } from '../common/pseudonym.js';
import { prepared, run } from '../database/prepared.js';
import { SecretsService } from '../database/secrets.service.js';
import { memberAway } from '../users/users.repository.js';
import type { ListNotificationsQuery, MarkReadDto } from './notification.dto.js';

export type NotificationKind = 'reply' | 'mention' | 'moderation' | 'report' | 'support' | 'reply_to_you' | 'follow_up_reminder' | 'highlighted';

export interface NewNotification {
  kind: NotificationKind;
  /** Shown to the member as plain text; never an anonymous author's username or id. */
  text: string;
  threadId?: string | null;
  replyId?: string | null;
  /** Who caused it, when named (shown as `actor`). Leave it out for an anonymous actor: their account is not stored. */
  actorId?: string | null;
  /** An anonymous actor's pseudonym (shown as `actor`), instead of `actorId`. */
  actorPseudonym?: string | null;
  /** A short plain-text excerpt of the reply or story it is about. */
  excerpt?: string | null;
}

/** One reply or reaction joining a group: the story's author told of replies, an author told of reactions. */
export interface GroupItem {
  kind: 'reply' | 'reaction';
  threadId: string;
  /** the reply written (kind `reply`) or reacted to (kind `reaction`); null: a reaction to the story itself */
  replyId: string | null;
  reaction?: ReactionKind;
  /** who: a named member `{id, username}`, or an anonymous post's `{pseudonym}` (no account is stored for it) */
  actor: AuthorView;
  excerpt: string;
  /** the words for this one event alone (kept with the row; the view words the whole group) */
  text: string;
}

/** What withdrawing caused: notifications gone, by owner, and groups that shrank (with their new view). */
export interface Withdrawn {
  removed: Map<string, string[]>;
  changed: { userId: string; view: NotificationView }[];
}

const noneWithdrawn = (): Withdrawn => ({ removed: new Map(), changed: [] });

export interface NotificationRow {
  id: string;
  kind: NotificationKind;
  thread_id: string | null;
  reply_id: string | null;
  text: string;
  read_at: Date | null;
  created_at: Date;
  created_key?: string;
  excerpt?: string | null;
  grouped?: boolean;
  actor_id?: string | null;
  actor_pseudonym?: string | null;
  actor_username?: string | null;
  actor_gone?: boolean | null;
  actor_blocked?: boolean | null;
  thread_title?: string | null;
  count?: number | null;
  actor_count?: number | null;
  actors?: ActorJson[] | string | null;
  on_story?: boolean | null;
  on_reply?: boolean | null;
}

interface ActorJson {
  id: string | null;
  username: string | null;
  gone: boolean | null;
  pseudonym: string | null;
}

const COLUMNS = `n.id, n.kind, n.thread_id, n.reply_id::text AS reply_id, n.text, n.read_at, n.created_at, n.excerpt, n.grouped,
  n.actor_id, n.actor_pseudonym`;

/**
 * A notification as its owner sees it: who caused it (a named actor the owner has since blocked is left out; an
 * anonymous one is only ever a pseudonym) and, for a group, its size and its latest few people, newest first.
 */
const VIEW_FROM = `
  SELECT ${COLUMNS}, au.username AS actor_username, au.deleted_at IS NOT NULL AS actor_gone,
         ${namedActorBlocked('n.actor_id', 'n.user_id')} AS actor_blocked,
         t.title AS thread_title, g.count, g.actor_count, g.actors, g.on_story, g.on_reply
    FROM notifications n
    LEFT JOIN users au ON au.id = n.actor_id
    LEFT JOIN threads t ON t.id = n.thread_id AND n.grouped
    LEFT JOIN LATERAL (
      SELECT count(*)::int AS count, count(DISTINCT i.actor_key)::int AS actor_count,
             coalesce(bool_or(i.reply_id IS NULL), false) AS on_story, coalesce(bool_or(i.reply_id IS NOT NULL), false) AS on_reply,
             (SELECT coalesce(json_agg(json_build_object('id', a.actor_id, 'username', u.username, 'gone', u.deleted_at IS NOT NULL,
                                                         'pseudonym', a.actor_pseudonym) ORDER BY a.last_at DESC, a.actor_key), '[]'::json)
                FROM (SELECT i2.actor_key, max(i2.actor_id::text) AS actor_id, max(i2.actor_pseudonym) AS actor_pseudonym, max(i2.created_at) AS last_at
                        FROM notification_items i2
                       WHERE i2.notification_id = n.id AND NOT ${namedActorBlocked('i2.actor_id', 'n.user_id')}
                       GROUP BY i2.actor_key ORDER BY last_at DESC, i2.actor_key LIMIT ${3}) a
                LEFT JOIN users u ON u.id = a.actor_id::uuid) AS actors
        FROM notification_items i
       WHERE i.notification_id = n.id AND NOT ${namedActorBlocked('i.actor_id', 'n.user_id')}
    ) g ON n.grouped`;

/** The kinds of notification that are grouped per story while unread. */
const GROUPED_KINDS = ['reply', 'reaction'];

// nothing for an erased member; replies and mentions wait out a break and skip a muted story
const NOTIFY = prepared(
  'notification.insert',
  `WITH n AS (
     INSERT INTO notifications (user_id, kind, thread_id, reply_id, actor_id, text, actor_pseudonym, excerpt)
     SELECT $1, $2, $3, $4::bigint, $5, $6, $8, $9
      WHERE NOT ${memberAway('$1', '$7::boolean')}
        AND NOT ($7::boolean AND EXISTS (SELECT 1 FROM thread_mutes WHERE user_id = $1 AND thread_id = $3))
     RETURNING *)
   SELECT ${COLUMNS}, au.username AS actor_username, au.deleted_at IS NOT NULL AS actor_gone FROM n LEFT JOIN users au ON au.id = n.actor_id`,
);

/** The kinds of notification a reply causes for others, withdrawn with it when it is hidden or removed. */
const CAUSED_BY_REPLY = ['reply', 'mention', 'reply_to_you'];

/**
 * SQL: what reply `replyId` causes was written already (it has two outbox rows when it was held: whichever finds it
 * public first tells, the other finds this true). A fragment, so the replies module asks it in the reply's statement.
 */
export const replyNotified = (replyId: string): string =>
  `(EXISTS (SELECT 1 FROM notification_items i WHERE i.reply_id = ${replyId} AND i.reaction IS NULL)
    OR EXISTS (SELECT 1 FROM notifications n WHERE n.reply_id = ${replyId} AND n.kind IN (${CAUSED_BY_REPLY.map((k) => `'${k}'`).join(', ')})))`;
/** What others' words in a story cause: withdrawn with the story when it is hidden or removed. */
const CAUSED_IN_STORY = ['reply', 'mention', 'reply_to_you', 'reaction'];
/** Reactions to one member's words in one story open at most one notification in this time. */
export const REACTION_GROUP_INTERVAL = `interval '1 hour'`;

const TITLE_MAX = 80;
const shortTitle = (title: string): string => {
  const chars = [...title.trim()];
  return chars.length > TITLE_MAX ? `${chars.slice(0, TITLE_MAX - 1).join('')}…` : chars.join('');
};
const nameOf = (a: AuthorView): string => ('username' in a ? a.username : a.pseudonym);

/** "Maya", "Maya and Sam", "Maya and 3 others": the latest person first. */
export function whoPhrase(actors: AuthorView[], actorCount: number): string {
  const names = actors.map(nameOf);
  if (!names.length) return 'Someone';
  if (actorCount <= 1 || names.length === 1) return names[0];
  if (actorCount === 2) return `${names[0]} and ${names[1]}`;
  return `${names[0]} and ${actorCount - 1} others`;
}

/** The words of a group: "Maya and 2 others replied to your story "…"", "Sam reacted 3 times to your reply in "…"". */
export function groupText(kind: string, actors: AuthorView[], actorCount: number, count: number, title: string, onStory: boolean, onReply: boolean): string {
  const who = whoPhrase(actors, actorCount);
  const times = actorCount <= 1 && count > 1 ? ` ${count} times` : '';
  const t = `"${shortTitle(title)}"`;
  if (kind === 'reply') return `${who} replied${times} to your story ${t}`;
  const target = onStory && onReply ? 'to what you wrote in' : onReply ? 'to your reply in' : 'to your story';
  return `${who} reacted${times} ${target} ${t}`;
}

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
    const quiet = ['reply', 'mention', 'reply_to_you', 'reaction'].includes(n.kind);
    const rows: NotificationRow[] = await run(em, NOTIFY, [
      userId,
      n.kind,
      n.threadId ?? null,
      n.replyId ?? null,
      n.actorPseudonym ? null : (n.actorId ?? null),
      text,
      quiet,
      n.actorPseudonym ?? null,
      n.excerpt ?? null,
    ]);
    return rows[0] ?? null;
  }

  /**
   * Adds a reply or a reaction to the owner's group for that story, inside the caller's transaction: the open
   * (unread) group, or a new one. Reactions also join a group opened within the hour even once it was read (it stays
   * read: at most one reaction notification per story an hour). Two at once cannot open two groups: the open group
   * is one row by a unique partial index, taken by an upsert that locks it until the caller commits. Returns the
   * group's view to `announce` after the commit (`update` when it was already there), or null when nothing changed
   * (a member on a break or who muted the story; the same reaction taken back and given again).
   */
  async addToGroup(em: EntityManager, userId: string, item: GroupItem): Promise<{ view: NotificationView; update: boolean } | null> {
    const [quiet]: { quiet: boolean }[] = await em.query(
      `SELECT ${memberAway('$1', 'true')}
           OR EXISTS (SELECT 1 FROM thread_mutes WHERE user_id = $1 AND thread_id = $2) AS quiet`,
      [userId, item.threadId],
    );
    if (quiet?.quiet) return null;
    const named = 'id' in item.actor;
    const actorId = 'id' in item.actor ? item.actor.id : null;
    const pseudonym = 'id' in item.actor ? null : item.actor.pseudonym;
    const actorKey = named ? `u:${actorId}` : `p:${pseudonym}`;
    const text = item.text.length > MAX_TEXT ? `${item.text.slice(0, MAX_TEXT - 1)}…` : item.text;

    let group: { id: string; inserted: boolean; found: boolean } | undefined;
    if (item.kind === 'reaction') {
      const [recent]: { id: string }[] = await em.query(
        `SELECT id FROM notifications
          WHERE user_id = $1 AND thread_id = $2 AND kind = 'reaction' AND grouped AND (read_at IS NULL OR first_at > now() - ${REACTION_GROUP_INTERVAL})
          ORDER BY read_at IS NULL DESC, first_at DESC LIMIT 1 FOR UPDATE`,
        [userId, item.threadId],
      );
      if (recent) group = { id: recent.id, inserted: false, found: true };
    }
    if (!group) {
      const rows: { id: string; inserted: boolean; found: boolean }[] = await em.query(
        `INSERT INTO notifications AS n (user_id, kind, thread_id, reply_id, actor_id, actor_pseudonym, text, excerpt, grouped)
         VALUES ($1, $2, $3, $4::bigint, $5, $6, $7, $8, true)
         ON CONFLICT (user_id, thread_id, kind) WHERE grouped AND read_at IS NULL
         -- the group leads with this one and comes back to the top, in this one statement: a second update of a row
         -- this transaction wrote would check its foreign keys again and so wait on the story's row, which a
         -- withdrawal holds while it waits for this group (a deadlock)
         DO UPDATE SET reply_id = EXCLUDED.reply_id, actor_id = EXCLUDED.actor_id, actor_pseudonym = EXCLUDED.actor_pseudonym,
                       excerpt = EXCLUDED.excerpt, text = EXCLUDED.text, created_at = now()
         RETURNING n.id, (n.xmax = 0) AS inserted, false AS found`,
        [userId, item.kind, item.threadId, item.replyId, actorId, pseudonym, text, item.excerpt],
      );
      group = rows[0];
    }
    const added: unknown[] = await em.query(
      `INSERT INTO notification_items (notification_id, reply_id, reaction, actor_key, actor_id, actor_pseudonym, excerpt)
       VALUES ($1, $2::bigint, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id`,
      [group.id, item.replyId, item.reaction ?? null, actorKey, actorId, pseudonym, item.excerpt],
    );
    if (!added.length) return null;
    if (group.found) {
      // a group found above (and locked, not written): it now leads with this one; an unread one comes back to the top
      await em.query(
        `UPDATE notifications SET reply_id = $2::bigint, actor_id = $3, actor_pseudonym = $4, excerpt = $5, text = $6,
                created_at = CASE WHEN read_at IS NULL THEN now() ELSE created_at END
          WHERE id = $1`,
        [group.id, item.replyId, actorId, pseudonym, item.excerpt, text],
      );
    }
    const [view] = await this.viewsOf(em, [group.id]);
    return view ? { view, update: !group.inserted } : null;
  }

  /** The views of these notifications, read inside the caller's transaction (or on their own). */
  async viewsOf(em: EntityManager | DataSource, ids: string[]): Promise<NotificationView[]> {
    if (!ids.length) return [];
    const rows: NotificationRow[] = await em.query(`${VIEW_FROM} WHERE n.id = ANY($1::uuid[]) ORDER BY n.created_at DESC, n.id DESC`, [ids]);
    return rows.map((r) => this.view(r));
  }

  /** The live push of a stored notification (the view travels with the event, so the push does not read it back). */
  announce(userId: string, row: NotificationRow): void {
    this.emit('notification.created', { userId, notificationId: row.id, view: this.view(row) });
  }

  /** The live push of a group that was opened (a new notification) or changed (`update`: the client replaces it). */
  announceView(userId: string, view: NotificationView, update: boolean): void {
    this.emit('notification.created', { userId, notificationId: view.id, view: update ? { ...view, update: true } : view });
  }

  /**
   * Withdraws, inside the caller's transaction, the notifications a reply caused (its story's author told of it, the
   * members it mentioned or answered, the reactions to it), once it was hidden or removed; what moderators told its
   * author stays. A group it was part of shrinks, or goes when nothing is left in it. Returns what to announce
   * (`announceRemoved`) once the transaction has committed.
   */
  async withdrawForReply(em: EntityManager | DataSource, replyId: string): Promise<Withdrawn> {
    const [singles]: [{ id: string; user_id: string }[], number] = await em.query(
      `DELETE FROM notifications WHERE reply_id = $1::bigint AND kind = ANY($2::text[]) AND NOT grouped RETURNING id, user_id`,
      [replyId, CAUSED_BY_REPLY],
    );
    const [items]: [{ notification_id: string }[], number] = await em.query(
      `DELETE FROM notification_items WHERE reply_id = $1::bigint RETURNING notification_id`,
      [replyId],
    );
    const out = noneWithdrawn();
    for (const r of singles) out.removed.set(r.user_id, [...(out.removed.get(r.user_id) ?? []), r.id]);
    const groups = [...new Set(items.map((i) => i.notification_id))];
    if (!groups.length) return out;
    // emptied groups go; the others lead again with their latest remaining reply or reaction
    const [emptied]: [{ id: string; user_id: string }[], number] = await em.query(
      `DELETE FROM notifications n WHERE n.id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM notification_items i WHERE i.notification_id = n.id)
       RETURNING n.id, n.user_id`,
      [groups],
    );
    for (const r of emptied) out.removed.set(r.user_id, [...(out.removed.get(r.user_id) ?? []), r.id]);
    const [shrunk]: [{ id: string; user_id: string }[], number] = await em.query(
      `UPDATE notifications n SET reply_id = l.reply_id, actor_id = l.actor_id, actor_pseudonym = l.actor_pseudonym, excerpt = l.excerpt
         FROM (SELECT DISTINCT ON (notification_id) notification_id, reply_id, actor_id, actor_pseudonym, excerpt
                 FROM notification_items WHERE notification_id = ANY($1::uuid[]) ORDER BY notification_id, created_at DESC, id DESC) l
        WHERE n.id = l.notification_id RETURNING n.id, n.user_id`,
      [groups],
    );
    const owners = new Map(shrunk.map((r) => [r.id, r.user_id]));
    for (const view of await this.viewsOf(em, [...owners.keys()])) out.changed.push({ userId: owners.get(view.id)!, view });
    return out;
  }

  /**
   * Withdraws, inside the caller's transaction, what others' words in a story caused (replies, mentions, answers,
   * reactions), once the story was hidden or removed: nobody is sent to a story they can no longer open.
   */
  async withdrawForStory(em: EntityManager | DataSource, threadId: string): Promise<Withdrawn> {
    const [rows]: [{ id: string; user_id: string }[], number] = await em.query(
      `DELETE FROM notifications WHERE thread_id = $1 AND kind = ANY($2::text[]) RETURNING id, user_id`,
      [threadId, CAUSED_IN_STORY],
    );
    const out = noneWithdrawn();
    for (const r of rows) out.removed.set(r.user_id, [...(out.removed.get(r.user_id) ?? []), r.id]);
    return out;
  }

  /** The live push of withdrawn notifications: `notification.removed {ids}` to each owner, and shrunk groups again. */
  announceRemoved(w: Withdrawn): void {
    for (const [userId, ids] of w.removed) this.emit('notification.removed', { userId, ids });
    for (const c of w.changed) this.announceView(c.userId, c.view, true);
  }

  /** The member view of a stored notification: who caused it as the story shows them, never an anonymous account. */
  view(r: NotificationRow): NotificationView {
    const v: NotificationView = {
      id: r.id,
      kind: r.kind,
      threadId: r.thread_id,
      replyId: r.reply_id,
      text: r.text,
      read: r.read_at !== null,
      createdAt: r.created_at.toISOString(),
      actor: actorView(r.actor_id ?? null, r.actor_username ?? null, !!r.actor_gone, r.actor_pseudonym ?? null, !!r.actor_blocked),
      excerpt: r.excerpt ?? null,
    };
    if (r.grouped && GROUPED_KINDS.includes(r.kind)) {
      const raw = typeof r.actors === 'string' ? (JSON.parse(r.actors) as ActorJson[]) : (r.actors ?? []);
      const actors = raw.map((a) => actorView(a.id, a.username, !!a.gone, a.pseudonym, false)).filter((a): a is AuthorView => a !== null);
      v.count = r.count ?? 0;
      v.actorCount = r.actor_count ?? 0;
      v.actors = actors;
      v.actor = actors[0] ?? null;
      v.text = groupText(r.kind, actors, v.actorCount, v.count, r.thread_title ?? '', !!r.on_story, !!r.on_reply);
    }
    return v;
  }

  /** One notification of its owner (for the realtime push), or null when it is not theirs or gone. */
  async getView(userId: string, id: string): Promise<NotificationView | null> {
    if (typeof id !== 'string' || !UUID_RE.test(id) || typeof userId !== 'string' || !UUID_RE.test(userId)) return null;
    const rows: NotificationRow[] = await this.dataSource.query(`${VIEW_FROM} WHERE n.id = $1 AND n.user_id = $2`, [id, userId]);
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
      `${VIEW_FROM.replace('SELECT ', 'SELECT n.created_at::text AS created_key, ')}
        WHERE n.user_id = $1 ${after}
          -- a group whose every reply or reaction is by members the owner has since blocked says nothing
          AND (NOT n.grouped OR g.count > 0)
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

/** A named actor as `{id, username}` (a former member by that name only), an anonymous one by pseudonym; none when blocked. */
function actorView(id: string | null, username: string | null, gone: boolean, pseudonym: string | null, blocked: boolean): AuthorView | null {
  if (pseudonym) return { pseudonym };
  if (!id || blocked) return null;
  if (gone) return { pseudonym: FORMER_MEMBER };
  return { id, username: username ?? '' };
}
