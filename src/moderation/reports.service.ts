import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import type { Viewer } from '../access/viewer.js';
import { UUID_RE } from '../access/policy.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { DomainError, notFound } from '../common/errors.js';
import { AlertsService } from '../alerts/alerts.service.js';
import { targetColumns, targetJoin, toTargetView, type TargetRow } from '../alerts/target.views.js';
import type { Page, ReportGroupView } from '../contract/views.js';
import { OutboxService } from '../database/outbox.service.js';
import type { OutboxTopics } from '../database/outbox.service.js';
import { SecretsService } from '../database/secrets.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { RepliesRepository } from '../replies/replies.repository.js';
import { RepliesService } from '../replies/replies.service.js';
import { DutyService } from '../safety/duty.service.js';
import { StoriesService } from '../stories/stories.service.js';
import { ThreadsRepository } from '../stories/threads.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import type { CreateReportDto, ReportsQuery } from './moderation.dto.js';
import { ModerationService } from './moderation.service.js';

const AUTO_HIDE_REPORTERS = 3;
/** In safety mode (no moderator on duty) two distinct reporters are enough. */
const AUTO_HIDE_REPORTERS_SAFETY = 2;

/** The last group of a page: crisis or not, first reported (to the microsecond), target and status. */
interface ReportCursor {
  c: boolean;
  t: string;
  k: string;
  id: string;
  s: string;
}
const KEY_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const isReportCursor = (v: unknown): v is ReportCursor => {
  const c = v as ReportCursor;
  return (
    !!c && typeof c.c === 'boolean' && typeof c.t === 'string' && KEY_RE.test(c.t) && ['thread', 'reply', 'user'].includes(c.k) &&
    typeof c.id === 'string' && c.id.length > 0 && c.id.length <= 64 && ['open', 'resolved'].includes(c.s)
  );
};
const CREATED_KEY = (expr: string): string => `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Member reports, automatic ones from watched words, auto-hiding at three reporters, and their resolution. */
@Injectable()
export class ReportsService {

  constructor(
    private readonly dataSource: DataSource,
    private readonly stories: StoriesService,
    private readonly replies: RepliesService,
    private readonly moderation: ModerationService,
    private readonly notifications: NotificationsService,
    private readonly secrets: SecretsService,
    private readonly events: EventEmitter2,
    private readonly outbox: OutboxService,
    private readonly alerts: AlertsService,
    private readonly duty: DutyService,
    private readonly threadsRepo: ThreadsRepository,
    private readonly repliesRepo: RepliesRepository,
    private readonly users: UsersRepository,
  ) {}

  async create(viewer: Viewer, dto: CreateReportDto): Promise<{ id: string; status: 'open' }> {
    let threadId: string | null = null;
    let targetId = dto.targetId;
    // a member can only report what they can see; anything else is 404 so existence does not leak
    if (dto.targetType === 'thread') threadId = (await this.stories.loadReadable(viewer, dto.targetId)).id;
    else if (dto.targetType === 'reply') {
      const r = await this.replies.getView(viewer, dto.targetId);
      if (r.deleted) throw notFound('That reply');
      threadId = r.threadId;
      targetId = r.id;
    } else {
      if (!UUID_RE.test(dto.targetId)) throw notFound('That member');
      if (!(await this.users.existsNotBanned(dto.targetId))) throw notFound('That member');
    }
    if (dto.targetType === 'user' && targetId === viewer.id) throw new DomainError('VALIDATION_FAILED', 'You cannot report yourself.');
    if (dto.reason === 'ignored_reply_mode') await this.assertIgnoredReplyMode(viewer, dto.targetType, targetId, threadId);
    let id: string;
    let alertId: string | null = null;
    try {
      id = await this.dataSource.transaction(async (em) => {
        const rows: { id: string }[] = await em.query(
          'INSERT INTO reports (reporter_id, target_type, target_id, thread_id, reason, note) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
          [viewer.id, dto.targetType, targetId, threadId, dto.reason, dto.note?.trim() || null],
        );
        // someone may be in danger: a moderator is alerted, with the report
        if (dto.reason === 'crisis') alertId = await this.alerts.raise(em, { kind: 'crisis_report', targetType: dto.targetType, targetId, threadId });
        return rows[0].id;
      });
    } catch (e) {
      if (e instanceof QueryFailedError && (e.driverError as { code?: string }).code === '23505') {
        throw new DomainError('ALREADY_REPORTED', 'You have already reported this. A moderator will look at it.');
      }
      throw e;
    }
    this.alerts.announce(alertId);
    // the author's word about their reply mode is not a report of harm: it never counts towards hiding a reply
    if (dto.targetType !== 'user' && threadId && dto.reason !== 'ignored_reply_mode') await this.autoHide(dto.targetType, targetId, threadId);
    return { id, status: 'open' };
  }

  /**
   * "Ignored my reply mode" is the story author's own word about a reply in their story while it asks people to just
   * listen: not a member's report about anyone else's story, a story, a member, their own reply, or advice they welcomed.
   */
  private async assertIgnoredReplyMode(viewer: Viewer, targetType: CreateReportDto['targetType'], replyId: string, threadId: string | null): Promise<void> {
    const refuse = (message: string) => new DomainError('VALIDATION_FAILED', message, { errors: [{ field: 'reason', message }] });
    if (targetType !== 'reply' || !threadId) throw refuse('ignored_reply_mode is for a reply in your own story.');
    const story = await this.stories.loadReadable(viewer, threadId);
    if (story.author_id !== viewer.id) throw refuse('ignored_reply_mode is for a reply in your own story.');
    if (story.reply_mode !== 'listening') throw refuse('ignored_reply_mode is for a story that asks people to just listen.');
    const reply = await this.replies.loadRow(viewer, replyId);
    if (reply.author_id === viewer.id) throw refuse('ignored_reply_mode is for someone else\'s reply.');
  }

  /** Content reported by three different members (two in safety mode) is hidden until a moderator reviews it. */
  private async autoHide(targetType: 'thread' | 'reply', targetId: string, threadId: string): Promise<void> {
    // asked before the transaction: on the embedded database nothing else may run inside it
    const threshold = (await this.duty.safetyMode()) ? AUTO_HIDE_REPORTERS_SAFETY : AUTO_HIDE_REPORTERS;
    const hidden = await this.dataSource.transaction(async (em) => {
      const [{ n }]: { n: number }[] = await em.query(
        `SELECT count(DISTINCT reporter_id)::int AS n FROM reports
          WHERE target_type = $1 AND target_id = $2 AND status = 'open' AND reporter_id IS NOT NULL AND reason <> 'ignored_reply_mode'`,
        [targetType, targetId],
      );
      if (n < threshold) return false;
      const changed = targetType === 'thread' ? await this.threadsRepo.autoHide(em, targetId) : await this.repliesRepo.autoHide(em, targetId);
      if (!changed) return false;
      if (targetType === 'reply') await this.repliesRepo.recount(em, threadId);
      await this.moderation.log(em, null, `${targetType}.auto_hide`, targetType, targetId, `Reported by ${n} members; hidden until reviewed.`);
      // a moderator is alerted, and what the hidden reply or story caused is withdrawn, with the hiding
      const alertId = await this.alerts.raise(em, { kind: 'report_threshold', targetType, targetId, threadId });
      const withdrawn =
        targetType === 'reply' ? await this.notifications.withdrawForReply(em, targetId) : await this.notifications.withdrawForStory(em, targetId);
      return { alertId, withdrawn };
    });
    if (!hidden) return;
    this.alerts.announce(hidden.alertId);
    this.notifications.announceRemoved(hidden.withdrawn);
    if (targetType === 'thread') this.events.emit('thread.updated', { threadId, sections: false });
    else this.events.emit('reply.removed', { threadId, replyId: targetId });
  }

  onModuleInit(): void {
    this.outbox.handle('content.flagged', (em, e) => this.addAutomatic(em, e));
  }

  /** The automatic report of a post that matched a watched word, written from the post's outbox row. */
  private async addAutomatic(em: EntityManager, e: OutboxTopics['content.flagged']): Promise<(() => void) | void> {
    await em.query('INSERT INTO reports (reporter_id, target_type, target_id, thread_id, reason, note, automatic) VALUES (NULL, $1, $2, $3, $4, $5, true)', [
      e.targetType,
      e.targetId,
      e.threadId,
      e.reason,
      e.note,
    ]);
    await this.moderation.log(em, null, e.reason === 'crisis' ? 'report.crisis' : 'report.flag', e.targetType, e.targetId, e.note);
    if (e.reason !== 'crisis') return;
    // a crisis post alerts the moderators, in the transaction that handles the post's outbox row; pushed once committed
    const alertId = await this.alerts.raise(em, { kind: 'crisis_post', targetType: e.targetType, targetId: e.targetId, threadId: e.threadId });
    return () => this.alerts.announce(alertId);
  }

  /**
   * Reports grouped by target (and status): one item per reported story, reply or member, with counts per reason,
   * crisis first, then the target first reported longest ago. `reportIds`: resolving any of them resolves them all.
   */
  async list(q: ReportsQuery): Promise<Page<ReportGroupView>> {
    const limit = q.limit ?? 20;
    const secret = this.secrets.appSecret;
    const cursor = decodeCursor(secret, q.cursor, isReportCursor);
    const params: unknown[] = [];
    const where: string[] = [];
    const status = q.status ?? 'open';
    if (status !== 'all') {
      params.push(status);
      where.push(`r.status = $${params.length}`);
    }
    let having = '';
    if (cursor) {
      params.push(!cursor.c, cursor.t, cursor.k, cursor.id, cursor.s);
      const n = params.length;
      having = `HAVING (NOT bool_or(r.reason = 'crisis'), min(r.created_at), r.target_type, r.target_id, r.status)
                     > ($${n - 4}::boolean, $${n - 3}::timestamptz, $${n - 2}::text, $${n - 1}::text, $${n}::text)`;
    }
    params.push(limit + 1);
    const rows: ({
      target_type: 'thread' | 'reply' | 'user'; target_id: string; status: 'open' | 'resolved'; crisis: boolean; first_at: Date; last_at: Date; first_key: string;
      reasons: string[]; report_ids: string[]; reporters: number; automatic: boolean; notes: string[];
    } & TargetRow)[] = await this.dataSource.query(
      `SELECT g.*, ${targetColumns()} FROM (
         SELECT r.target_type, r.target_id, r.status, bool_or(r.reason = 'crisis') AS crisis, min(r.created_at) AS first_at, max(r.created_at) AS last_at,
                ${CREATED_KEY('min(r.created_at)')} AS first_key, array_agg(r.reason ORDER BY r.created_at, r.id) AS reasons,
                array_agg(r.id::text ORDER BY r.created_at, r.id) AS report_ids, count(DISTINCT r.reporter_id)::int AS reporters,
                bool_or(r.automatic) AS automatic, array_remove(array_agg(r.note ORDER BY r.created_at, r.id), NULL) AS notes
           FROM reports r
          ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          GROUP BY r.target_type, r.target_id, r.status
          ${having}
          ORDER BY NOT bool_or(r.reason = 'crisis'), min(r.created_at), r.target_type, r.target_id, r.status
          LIMIT $${params.length}
       ) g ${targetJoin('g')}
       ORDER BY NOT g.crisis, g.first_at, g.target_type, g.target_id, g.status`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => {
        const target = toTargetView(secret, r);
        const reasons: Record<string, number> = {};
        for (const reason of r.reasons) reasons[reason] = (reasons[reason] ?? 0) + 1;
        return {
          targetType: r.target_type,
          targetId: r.target_id,
          threadId: target.threadId,
          threadTitle: target.threadTitle,
          excerpt: target.excerpt,
          author: target.author,
          reasons,
          reporters: r.reporters,
          automatic: r.automatic,
          notes: r.notes.slice(0, 10),
          status: r.status,
          firstAt: r.first_at.toISOString(),
          lastAt: r.last_at.toISOString(),
          reportIds: r.report_ids,
        };
      }),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(secret, { c: last.crisis, t: last.first_key, k: last.target_type, id: last.target_id, s: last.status } satisfies ReportCursor)
          : null,
    };
  }

  async resolve(viewer: Viewer, id: string, action: 'dismiss' | 'hide' | 'remove', note?: string) {
    if (!UUID_RE.test(id)) throw notFound('That report');
    const report = await this.dataSource.transaction(async (em) => {
      const rows: { id: string; target_type: string; target_id: string; thread_id: string | null; status: string }[] = await em.query(
        'SELECT id, target_type, target_id, thread_id, status FROM reports WHERE id = $1 FOR UPDATE',
        [id],
      );
      const r = rows[0];
      if (!r) throw notFound('That report');
      if (r.status !== 'open') throw new DomainError('CONFLICT', 'That report has already been resolved.');
      if (action !== 'dismiss' && r.target_type === 'user') throw new DomainError('VALIDATION_FAILED', 'A report about a member is resolved with dismiss; use the member actions for the rest.');
      // every open report on the same target is settled together
      const [reporters]: [{ reporter_id: string | null }[], number] = await em.query(
        `UPDATE reports SET status = 'resolved', resolution = $3, resolved_by = $4, resolved_at = now(), resolution_note = $5
          WHERE target_type = $1 AND target_id = $2 AND status = 'open' RETURNING reporter_id`,
        [r.target_type, r.target_id, action, viewer.id, note ?? null],
      );
      await this.moderation.log(em, viewer.id, `report.${action}`, r.target_type, r.target_id, note, { reportId: r.id });
      return { ...r, reporters: [...new Set(reporters.map((x) => x.reporter_id).filter((x): x is string => !!x))] };
    });
    if (action !== 'dismiss') {
      if (report.target_type === 'thread') {
        if (action === 'hide') await this.moderation.threadAction(viewer, report.target_id, 'hide', note);
        else await this.removeThread(viewer, report.target_id, note);
      } else if (action === 'hide') await this.moderation.replyAction(viewer, report.target_id, 'hide', note);
      else await this.removeReply(viewer, report.target_id, report.thread_id as string, note);
    }
    for (const reporter of report.reporters) {
      // the reporter learns it was handled, not how
      await this.notifications.notify(reporter, { kind: 'report', text: 'Thank you for your report. A moderator has reviewed it.' });
    }
    return { ok: true };
  }

  private async removeThread(viewer: Viewer, id: string, note?: string): Promise<void> {
    // what others' words in the story caused is withdrawn with it, in the same transaction
    const { rows, withdrawn } = await this.dataSource.transaction(async (em) => {
      const removed = await this.threadsRepo.remove(em, id);
      const rows = removed ? [removed] : [];
      await this.moderation.log(em, viewer.id, 'thread.remove', 'thread', id, note);
      return { rows, withdrawn: await this.notifications.withdrawForStory(em, id) };
    });
    this.notifications.announceRemoved(withdrawn);
    this.events.emit('thread.updated', { threadId: id, sections: false });
    if (rows[0]) await this.notifications.notify(rows[0].author_id, { kind: 'moderation', text: `A moderator removed your story "${rows[0].title.slice(0, 80)}"${note ? `. Reason: ${note}` : '.'}`, threadId: id });
  }

  private async removeReply(viewer: Viewer, id: string, threadId: string, note?: string): Promise<void> {
    const rows = await this.dataSource.transaction(async (em) => {
      const removed = await this.repliesRepo.remove(em, id);
      const r = removed ? [removed] : [];
      await this.repliesRepo.recount(em, threadId);
      await this.moderation.log(em, viewer.id, 'reply.remove', 'reply', id, note);
      return { r, withdrawn: await this.notifications.withdrawForReply(em, id) };
    });
    this.notifications.announceRemoved(rows.withdrawn);
    this.events.emit('reply.removed', { threadId, replyId: id });
    if (rows.r[0]) await this.notifications.notify(rows.r[0].author_id, { kind: 'moderation', text: `A moderator removed your reply${note ? `. Reason: ${note}` : '.'}`, threadId, replyId: id });
  }
}
