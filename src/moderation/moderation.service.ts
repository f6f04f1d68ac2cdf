import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, EntityManager } from 'typeorm';
import { AuthService } from '../auth/auth.service.js';
import type { Viewer } from '../access/viewer.js';
import { REPLY_ID_RE, UUID_RE } from '../access/policy.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { DomainError, forbidden, invalid, notFound } from '../common/errors.js';
import type { DomainEvents } from '../common/events.js';
import type { ModLogEntryView, Page, QueueItemView, Role } from '../contract/views.js';
import { OutboxService } from '../database/outbox.service.js';
import { SecretsService } from '../database/secrets.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { RepliesRepository, type ReplyModAction, type ReplyModState } from '../replies/replies.repository.js';
import { DutyService } from '../safety/duty.service.js';
import { WatchedWordsService } from '../safety/watched-words.service.js';
import { CategoriesService } from '../stories/categories.service.js';
import { authorOf } from '../stories/thread.views.js';
import { ThreadsRepository, type ThreadModAction, type ThreadModState } from '../stories/threads.repository.js';
import { UsersRepository, type ModeratedUser } from '../users/users.repository.js';
import { usernameKey } from '../users/users.service.js';
import { targetColumns, targetJoin, toTargetView, type TargetRow } from '../alerts/target.views.js';
import { isRiskCursor, riskQueue, toQueueItem, type QueueRow, type RiskCursor } from './risk-queue.js';
import { QUEUE_DEFAULT_LIMIT, type LogQuery, type QueueQuery, type ThreadSettingsDto, type WatchedWordDto } from './moderation.dto.js';

export type ThreadAction = ThreadModAction;
export type ReplyAction = ReplyModAction;

/**
 * Whether each action would change anything (what it writes is the owner's: ThreadsRepository, RepliesRepository).
 * An action that would not (lock a locked story, unlock an open one) changes nothing, notifies nobody and logs
 * nothing: it answers with the state as it is.
 */
const THREAD_CHANGES: Record<ThreadAction, { changes: (s: ThreadModState) => boolean; notify?: string }> = {
  lock: { changes: (s) => !s.locked, notify: 'A moderator locked your story' },
  unlock: { changes: (s) => s.locked, notify: 'A moderator reopened your story for replies' },
  pin: { changes: (s) => !s.pinned },
  unpin: { changes: (s) => s.pinned },
  hide: { changes: (s) => !s.hidden, notify: 'A moderator hid your story' },
  unhide: { changes: (s) => s.hidden, notify: 'A moderator made your story visible again' },
  restore: { changes: (s) => s.deleted || s.hidden, notify: 'A moderator restored your story' },
};
const REPLY_CHANGES: Record<ReplyAction, { changes: (s: ReplyModState) => boolean; notify?: string }> = {
  hide: { changes: (s) => !s.hidden, notify: 'A moderator hid your reply' },
  unhide: { changes: (s) => s.hidden, notify: 'A moderator made your reply visible again' },
  restore: { changes: (s) => s.deleted || s.hidden, notify: 'A moderator restored your reply' },
};
const SUSPENSION_STEPS = [1, 3, 7, 30];

const short = (s: string, n = 80): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const withReason = (text: string, reason?: string | null): string => (reason ? `${text}. Reason: ${reason}` : `${text}.`);

/** created_at to the microsecond, in UTC: a JavaScript Date keeps only milliseconds, too coarse for a keyset. */
const CREATED_KEY = (alias: string): string => `to_char(${alias}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const CREATED_KEY_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** The last item of a queue page: its created_at key, its type and its id. */
interface QueueCursor {
  t: string;
  k: 'thread' | 'reply';
  id: string;
}
const isQueueCursor = (v: unknown): v is QueueCursor => {
  const c = v as Record<string, unknown>;
  if (!c || typeof c !== 'object' || typeof c.t !== 'string' || !CREATED_KEY_RE.test(c.t) || Number.isNaN(Date.parse(`${c.t.slice(0, 23)}Z`))) return false;
  if (typeof c.id !== 'string') return false;
  return c.k === 'thread' ? UUID_RE.test(c.id) : c.k === 'reply' && REPLY_ID_RE.test(c.id);
};

interface LogCursor {
  id: string;
}
const isLogCursor = (v: unknown): v is LogCursor => !!v && typeof (v as LogCursor).id === 'string' && /^\d{1,18}$/.test((v as LogCursor).id);

/** Moderator actions on stories, replies and members. Every one is logged with its reason and explained to the member it touches. */
@Injectable()
export class ModerationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventEmitter2,
    private readonly notifications: NotificationsService,
    private readonly auth: AuthService,
    private readonly secrets: SecretsService,
    private readonly categories: CategoriesService,
    private readonly words: WatchedWordsService,
    private readonly duty: DutyService,
    private readonly threads: ThreadsRepository,
    private readonly replies: RepliesRepository,
    private readonly users: UsersRepository,
    private readonly outbox: OutboxService,
  ) {}

  private emit<K extends keyof DomainEvents>(name: K, payload: DomainEvents[K]): void {
    this.events.emit(name, payload);
  }

  async log(em: EntityManager | DataSource, actorId: string | null, action: string, targetType: string, targetId: string, reason?: string | null, data?: unknown): Promise<void> {
    await em.query(`INSERT INTO moderation_log (actor_id, action, target_type, target_id, reason, data, subject_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      actorId,
      action,
      targetType,
      targetId,
      reason ?? null,
      data === undefined ? null : JSON.stringify(data),
      await this.logSubject(em, targetType, targetId),
    ]);
  }

  /**
   * The member a log entry is about: the member acted on, or the named author of the story or reply. An anonymous
   * post has none, so that `?username=` never ties a member to it.
   */
  private async logSubject(em: EntityManager | DataSource, targetType: string, targetId: string): Promise<string | null> {
    if (targetType === 'user' && UUID_RE.test(targetId)) return targetId;
    if (targetType === 'thread' && UUID_RE.test(targetId)) return this.threads.namedAuthorOf(em, targetId);
    if (targetType === 'reply' && REPLY_ID_RE.test(targetId)) return this.replies.namedAuthorOf(em, targetId);
    return null;
  }

  private async lockThread(em: EntityManager, id: string) {
    if (!UUID_RE.test(id)) throw notFound('That story');
    const row = await this.threads.lockForModeration(em, id);
    if (!row) throw notFound('That story');
    return row;
  }

  private async lockReply(em: EntityManager, id: string) {
    if (!REPLY_ID_RE.test(id)) throw notFound('That reply');
    const row = await this.replies.lockForModeration(em, id);
    if (!row) throw notFound('That reply');
    return row;
  }

  async threadAction(viewer: Viewer, id: string, action: ThreadAction, reason?: string): Promise<{ ok: true; changed: boolean; thread: ThreadModState }> {
    // the member affected is told why: locking and hiding need a reason
    if ((action === 'lock' || action === 'hide') && !reason?.trim()) throw invalid('reason', `Give a reason to ${action} a story: the member affected will see it`);
    const change = THREAD_CHANGES[action];
    const t = await this.dataSource.transaction(async (em) => {
      const row = await this.lockThread(em, id);
      const state: ThreadModState = { id: row.id, locked: row.locked, pinned: row.pinned, hidden: row.hidden, deleted: row.deleted };
      if (!change.changes(state)) return { ...row, state, changed: false };
      const after = await this.threads.applyModeration(em, row.id, action);
      await this.log(em, viewer.id, `thread.${action}`, 'thread', row.id, reason);
      // a hidden story no longer sends anyone to it: what others' words in it caused is withdrawn with it
      const withdrawn = action === 'hide' ? await this.notifications.withdrawForStory(em, row.id) : undefined;
      return { ...row, state: after, changed: true, withdrawn };
    });
    if (!t.changed) return { ok: true, changed: false, thread: t.state };
    if ('withdrawn' in t && t.withdrawn) this.notifications.announceRemoved(t.withdrawn);
    this.emit('thread.updated', { threadId: t.id, sections: action === 'restore' || action === 'unhide' });
    if (change.notify && t.author_id !== viewer.id) {
      await this.notifications.notify(t.author_id, { kind: 'moderation', text: withReason(`${change.notify} "${short(t.title)}"`, reason), threadId: t.id });
    }
    return { ok: true, changed: true, thread: t.state };
  }

  async threadSettings(viewer: Viewer, id: string, dto: ThreadSettingsDto): Promise<{ ok: true; changed: boolean; slowModeSeconds: number; category: string }> {
    if (dto.slowModeSeconds === undefined && dto.category === undefined) throw invalid('slowModeSeconds', 'Give slowModeSeconds or category');
    const wanted = dto.category !== undefined ? this.categories.require(dto.category) : undefined;
    const t = await this.dataSource.transaction(async (em) => {
      const row = await this.lockThread(em, id);
      // only what really changes is written, logged and told: the settings a story already has are a no-op
      const slowModeSeconds = dto.slowModeSeconds !== undefined && dto.slowModeSeconds !== row.slow_mode_seconds ? dto.slowModeSeconds : undefined;
      const category = wanted !== undefined && wanted !== row.category ? wanted : undefined;
      if (slowModeSeconds !== undefined) await this.threads.setSlowMode(em, row.id, slowModeSeconds);
      if (category !== undefined) await this.threads.setCategory(em, row.id, category);
      const changed = slowModeSeconds !== undefined || category !== undefined;
      if (changed) await this.log(em, viewer.id, 'thread.settings', 'thread', row.id, dto.reason, { slowModeSeconds, category });
      return { ...row, changed, moved: category !== undefined, slowModeSeconds: slowModeSeconds ?? row.slow_mode_seconds, category: category ?? row.category };
    });
    const answer = { ok: true as const, changed: t.changed, slowModeSeconds: t.slowModeSeconds, category: t.category };
    if (!t.changed) return answer;
    this.emit('thread.updated', { threadId: t.id, sections: false });
    if (t.moved && t.author_id !== viewer.id) {
      await this.notifications.notify(t.author_id, { kind: 'moderation', text: withReason(`A moderator moved your story "${short(t.title)}" to another category`, dto.reason), threadId: t.id });
    }
    return answer;
  }

  async replyAction(viewer: Viewer, id: string, action: ReplyAction, reason?: string): Promise<{ ok: true; changed: boolean; reply: ReplyModState }> {
    if (action === 'hide' && !reason?.trim()) throw invalid('reason', 'Give a reason to hide a reply: the member affected will see it');
    const change = REPLY_CHANGES[action];
    const r = await this.dataSource.transaction(async (em) => {
      const row = await this.lockReply(em, id);
      const state: ReplyModState = { id: row.id, hidden: row.hidden, deleted: row.deleted };
      if (!change.changes(state)) return { ...row, state, changed: false };
      const after = await this.replies.applyModeration(em, row.id, action);
      await this.replies.recount(em, row.thread_id);
      await this.log(em, viewer.id, `reply.${action}`, 'reply', row.id, reason);
      // a hidden reply no longer tells anyone it was written: the notifications it caused are withdrawn with it
      const withdrawn = action === 'hide' ? await this.notifications.withdrawForReply(em, row.id) : undefined;
      return { ...row, state: after, changed: true, withdrawn };
    });
    if (!r.changed) return { ok: true, changed: false, reply: r.state };
    if ('withdrawn' in r && r.withdrawn) this.notifications.announceRemoved(r.withdrawn);
    this.emit(action === 'hide' ? 'reply.removed' : 'reply.updated', { threadId: r.thread_id, replyId: r.id });
    if (change.notify && r.author_id !== viewer.id) {
      await this.notifications.notify(r.author_id, { kind: 'moderation', text: withReason(`${change.notify} in "${short(r.title)}"`, reason), threadId: r.thread_id, replyId: r.id });
    }
    return { ok: true, changed: true, reply: r.state };
  }

  /**
   * Posts waiting for review, oldest first, shown in full to moderators, a page at a time. The order is
   * (created_at, type, id): stories and replies interleaved by age, a reply before a story of the same instant,
   * then by id (numeric for replies). Each side reads its partial index in that order; the two are merged.
   */
  async queue(q: QueueQuery = {}): Promise<Page<QueueItemView>> {
    const limit = q.limit ?? QUEUE_DEFAULT_LIMIT;
    const secret = this.secrets.appSecret;
    const any = decodeCursor(secret, q.cursor, (v): v is QueueCursor | RiskCursor => isQueueCursor(v) || isRiskCursor(v));
    // in safety mode the queue is ordered by risk (src/moderation/risk-queue.ts); a cursor keeps the order its first page had
    if (any && isRiskCursor(any)) return riskQueue(this.dataSource, secret, limit, any);
    if (!any && (await this.duty.safetyMode())) return riskQueue(this.dataSource, secret, limit, null);
    const cursor = any as QueueCursor | null;
    const params: unknown[] = [limit + 1];
    let threadsAfter = '';
    let repliesAfter = '';
    if (cursor) {
      // 'reply' sorts before 'thread': after a reply, stories of that same instant are still to come; after a story, its instant's replies are done
      params.push(cursor.t, cursor.id);
      if (cursor.k === 'reply') {
        threadsAfter = 'AND t.created_at >= $2::timestamptz';
        repliesAfter = 'AND (r.created_at, r.id) > ($2::timestamptz, $3::bigint)';
      } else {
        threadsAfter = 'AND (t.created_at, t.id) > ($2::timestamptz, $3::uuid)';
        repliesAfter = 'AND r.created_at > $2::timestamptz';
      }
    }
    const rows: QueueRow[] = await this.dataSource.query(
      `SELECT q.* FROM (
         (SELECT 'thread' AS type, t.id::text AS id, NULL::bigint AS reply_key, t.id AS thread_key, t.id AS thread_id, t.title, t.happened_html AS body_html,
                 t.author_id, u.username, u.deleted_at IS NOT NULL AS author_gone, t.anonymous, t.created_at, ${CREATED_KEY('t')} AS created_key
            FROM threads t JOIN users u ON u.id = t.author_id
           WHERE t.status = 'pending' AND t.deleted_at IS NULL ${threadsAfter}
           ORDER BY t.created_at, t.id LIMIT $1)
         UNION ALL
         (SELECT 'reply', r.id::text, r.id, NULL::uuid, r.thread_id, t.title, r.body_html,
                 r.author_id, u.username, u.deleted_at IS NOT NULL, r.anonymous, r.created_at, ${CREATED_KEY('r')}
            FROM replies r JOIN users u ON u.id = r.author_id JOIN threads t ON t.id = r.thread_id
           WHERE r.status = 'pending' AND r.deleted_at IS NULL ${repliesAfter}
           ORDER BY r.created_at, r.id LIMIT $1)
       ) q ORDER BY q.created_at, q.type, q.reply_key, q.thread_key LIMIT $1`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => toQueueItem(r, secret)),
      nextCursor: rows.length > limit && last ? encodeCursor(secret, { t: last.created_key, k: last.type, id: last.id } satisfies QueueCursor) : null,
    };
  }

  async review(viewer: Viewer, id: string, approve: boolean, reason?: string): Promise<{ ok: true; status: string }> {
    const isThread = UUID_RE.test(id);
    if (!isThread && !REPLY_ID_RE.test(id)) throw notFound('That post');
    const status = approve ? 'published' : 'rejected';
    const target = await this.dataSource.transaction(async (em) => {
      const row = isThread ? await this.threads.lockForReview(em, id) : await this.replies.lockForReview(em, id);
      if (!row) throw notFound('That post');
      // a held post is judged by someone other than its author: another moderator reviews it
      if (row.author_id === viewer.id) throw forbidden('You cannot review your own post: another moderator will approve or reject it.');
      if (row.status !== 'pending') throw new DomainError('CONFLICT', 'That post is not waiting for review.');
      if (isThread) await this.threads.setReviewStatus(em, row.id, status);
      else {
        await this.replies.setReviewStatus(em, row.id, status);
        await this.replies.recount(em, row.thread_id);
        if (approve) await this.threads.touchActivity(em, row.thread_id);
      }
      await this.log(em, viewer.id, `${isThread ? 'thread' : 'reply'}.${approve ? 'approve' : 'reject'}`, isThread ? 'thread' : 'reply', row.id, reason);
      // an approved reply notifies as a new one does, from an outbox row written with the approval (its first row
      // found it held and told nobody)
      const told = approve && !isThread ? [await this.outbox.add(em, 'reply.created', { threadId: row.thread_id, replyId: row.id })] : [];
      return { ...row, told };
    });
    if (isThread) this.emit('thread.updated', { threadId: target.thread_id, sections: true });
    // an approved reply is announced like a new one: it reaches readers live and notifies as usual
    else this.emit(approve ? 'reply.created' : 'reply.removed', { threadId: target.thread_id, replyId: target.id });
    this.outbox.deliver(target.told);
    const what = isThread ? `Your story "${short(target.title)}"` : `Your reply in "${short(target.title)}"`;
    await this.notifications.notify(target.author_id, {
      kind: 'moderation',
      text: approve ? `${what} was approved and is now visible to everyone.` : withReason(`${what} was not approved`, reason),
      threadId: target.thread_id,
      ...(isThread ? {} : { replyId: target.id }),
    });
    return { ok: true, status };
  }

  private async loadTargetUser(em: EntityManager | DataSource, viewer: Viewer, id: string): Promise<ModeratedUser> {
    if (!UUID_RE.test(id)) throw notFound('That member');
    const user = await this.users.findForModeration(em, id);
    if (!user) throw notFound('That member');
    return user;
  }

  /** Moderators act on members; only admins act on staff; nobody on themselves. */
  private assertMayActOn(viewer: Viewer, target: { id: string; role: Role }): void {
    if (target.id === viewer.id) throw forbidden('You cannot do this to your own account.');
    if (target.role !== 'member' && viewer.role !== 'admin') throw forbidden('Only an admin can act on another moderator or an admin.');
  }

  private async suggestion(userId: string): Promise<number> {
    const [{ n }]: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM moderation_log WHERE action = 'user.suspend' AND target_type = 'user' AND target_id = $1`,
      [userId],
    );
    return SUSPENSION_STEPS[Math.min(n, SUSPENSION_STEPS.length - 1)];
  }

  async member(viewer: Viewer, id: string) {
    const u = await this.loadTargetUser(this.dataSource, viewer, id);
    const history: { action: string; reason: string | null; created_at: Date }[] = await this.dataSource.query(
      `SELECT action, reason, created_at FROM moderation_log WHERE target_type = 'user' AND target_id = $1 ORDER BY id DESC LIMIT 50`,
      [u.id],
    );
    return {
      id: u.id,
      username: u.username,
      role: u.role,
      createdAt: u.createdAt.toISOString(),
      suspendedUntil: u.suspendedUntil && u.suspendedUntil > new Date() ? u.suspendedUntil.toISOString() : null,
      banned: u.bannedAt !== null,
      history: history.map((h) => ({ action: h.action, reason: h.reason, createdAt: h.created_at.toISOString() })),
      suggestedSuspensionDays: await this.suggestion(u.id),
    };
  }

  async suspend(viewer: Viewer, id: string, days: number, reason: string) {
    const until = await this.dataSource.transaction(async (em) => {
      const u = await this.loadTargetUser(em, viewer, id);
      this.assertMayActOn(viewer, u);
      const until = await this.users.suspend(em, u.id, days);
      await this.log(em, viewer.id, 'user.suspend', 'user', u.id, reason, { days });
      return until;
    });
    await this.notifications.notify(id, { kind: 'moderation', text: withReason(`Your account is suspended until ${until.toISOString().slice(0, 16).replace('T', ' ')} UTC. You can still read`, reason) });
    return { ok: true, suspendedUntil: until.toISOString(), nextSuggestedDays: await this.suggestion(id) };
  }

  async ban(viewer: Viewer, id: string, reason: string) {
    const changed = await this.dataSource.transaction(async (em) => {
      const u = await this.loadTargetUser(em, viewer, id);
      this.assertMayActOn(viewer, u);
      if (u.bannedAt) return false; // already banned: nothing to change, log or end
      await this.users.ban(em, u.id);
      await this.log(em, viewer.id, 'user.ban', 'user', u.id, reason);
      return true;
    });
    // every session ends, and every socket on every instance is told and closed
    if (changed) await this.auth.revokeAll(id, 'banned');
    return { ok: true, changed, banned: true };
  }

  async unban(viewer: Viewer, id: string, reason?: string) {
    const changed = await this.dataSource.transaction(async (em) => {
      const u = await this.loadTargetUser(em, viewer, id);
      this.assertMayActOn(viewer, u);
      if (!u.bannedAt && !(u.suspendedUntil && u.suspendedUntil > new Date())) return false;
      await this.users.lift(em, u.id);
      await this.log(em, viewer.id, 'user.unban', 'user', u.id, reason);
      return true;
    });
    return { ok: true, changed, banned: false };
  }

  async setRole(viewer: Viewer, id: string, role: Role) {
    const u = await this.dataSource.transaction(async (em) => {
      const target = await this.loadTargetUser(em, viewer, id);
      if (target.id === viewer.id) throw forbidden('You cannot change your own role.');
      if (target.role === role) return target;
      await this.users.setRole(em, target.id, role);
      await this.log(em, viewer.id, 'user.role', 'user', target.id, null, { from: target.role, to: role });
      return target;
    });
    // open sockets joined their stories' rooms under the old role (a demoted moderator would keep staff broadcasts)
    if (u.role !== role) this.emit('user.access_changed', { userId: u.id });
    return { ok: true, changed: u.role !== role, role };
  }

  /** The account behind an anonymous post: only through this explicit, logged act. */
  async reveal(viewer: Viewer, targetType: 'thread' | 'reply', targetId: string, reason: string) {
    const valid = targetType === 'thread' ? UUID_RE.test(targetId) : REPLY_ID_RE.test(targetId);
    if (!valid) throw notFound('That post');
    const author = targetType === 'thread' ? await this.threads.authorAccount(targetId) : await this.replies.authorAccount(targetId);
    if (!author) throw notFound('That post');
    await this.log(this.dataSource, viewer.id, 'author.reveal', targetType, targetId, reason);
    return { targetType, targetId, user: { id: author.id, username: author.username } };
  }

  async logList(q: LogQuery) {
    const limit = q.limit ?? 50;
    const cursor = decodeCursor(this.secrets.appSecret, q.cursor, isLogCursor);
    const params: unknown[] = [];
    const where: string[] = [];
    if (q.actor) {
      params.push(q.actor);
      where.push(`l.actor_id = $${params.length}`);
    }
    if (q.target) {
      params.push(q.target);
      where.push(`l.target_id = $${params.length}`);
    }
    if (q.username) {
      // the member's own named posts and the actions on their account; never their anonymous posts
      params.push((await this.users.idByUsernameKey(usernameKey(q.username))) ?? null);
      where.push(`l.subject_id = $${params.length}::uuid`);
    }
    if (cursor) {
      params.push(cursor.id);
      where.push(`l.id < $${params.length}::bigint`);
    }
    params.push(limit + 1);
    const rows: ({ id: string; actor_id: string | null; username: string | null; action: string; target_type: string; target_id: string; reason: string | null; data: unknown; created_at: Date } & TargetRow)[] =
      await this.dataSource.query(
        `SELECT l.id::text AS id, l.actor_id, u.username, l.action, l.target_type, l.target_id, l.reason, l.data, l.created_at, ${targetColumns()}
           FROM moderation_log l LEFT JOIN users u ON u.id = l.actor_id ${targetJoin('l')}
          ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY l.id DESC LIMIT $${params.length}`,
        params,
      );
    const page = rows.slice(0, limit);
    const secret = this.secrets.appSecret;
    return {
      items: page.map((r): ModLogEntryView => {
        const target = toTargetView(secret, r);
        return {
          id: r.id,
          actor: r.actor_id ? { id: r.actor_id, username: r.username } : null,
          automatic: r.actor_id === null,
          action: r.action,
          targetType: r.target_type,
          targetId: r.target_id,
          subject: target.author,
          target: { type: r.target_type, id: r.target_id, threadId: target.threadId, threadTitle: target.threadTitle, excerpt: target.excerpt },
          reason: r.reason,
          data: r.data,
          createdAt: r.created_at.toISOString(),
        };
      }),
      nextCursor: rows.length > limit ? encodeCursor(this.secrets.appSecret, { id: page[page.length - 1].id }) : null,
    };
  }

  listWords() {
    return this.words.list().then((items) => ({ items, nextCursor: null }));
  }

  async addWord(viewer: Viewer, dto: WatchedWordDto) {
    const pattern = dto.pattern.normalize('NFKC').trim().toLowerCase();
    const id = await this.words.add(pattern, dto.action, viewer.id);
    if (!id) throw new DomainError('CONFLICT', 'That word or phrase is already on the list.');
    await this.log(this.dataSource, viewer.id, 'watched_word.add', 'watched_word', id, null, { pattern, action: dto.action });
    return (await this.words.list()).find((w) => w.id === id);
  }

  async removeWord(viewer: Viewer, id: string) {
    if (!UUID_RE.test(id)) throw notFound('That watched word');
    const pattern = await this.words.remove(id);
    if (pattern === undefined) throw notFound('That watched word');
    await this.log(this.dataSource, viewer.id, 'watched_word.remove', 'watched_word', id, null, { pattern });
  }
}
