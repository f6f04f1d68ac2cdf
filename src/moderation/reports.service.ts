import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import type { Viewer } from '../access/viewer.js';
import { UUID_RE } from '../access/policy.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { DomainError, notFound } from '../common/errors.js';
import { OutboxService } from '../database/outbox.service.js';
import type { OutboxTopics } from '../database/outbox.service.js';
import { SecretsService } from '../database/secrets.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { recountReplies, RepliesService } from '../replies/replies.service.js';
import { DutyService } from '../safety/duty.service.js';
import { StoriesService } from '../stories/stories.service.js';
import type { CreateReportDto, ReportsQuery } from './moderation.dto.js';
import { ModerationService } from './moderation.service.js';

const AUTO_HIDE_REPORTERS = 3;
/** In safety mode (no moderator on duty) two distinct reporters are enough. */
const AUTO_HIDE_REPORTERS_SAFETY = 2;

interface ReportCursor {
  c: boolean;
  t: string;
  id: string;
}
const isReportCursor = (v: unknown): v is ReportCursor => {
  const c = v as ReportCursor;
  return !!c && typeof c.c === 'boolean' && typeof c.t === 'string' && !Number.isNaN(Date.parse(c.t)) && typeof c.id === 'string' && UUID_RE.test(c.id);
};

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
    private readonly duty: DutyService,
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
      const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM users WHERE id = $1 AND banned_at IS NULL', [dto.targetId]);
      if (!rows.length) throw notFound('That member');
    }
    if (dto.targetType === 'user' && targetId === viewer.id) throw new DomainError('VALIDATION_FAILED', 'You cannot report yourself.');
    let id: string;
    try {
      const rows: { id: string }[] = await this.dataSource.query(
        'INSERT INTO reports (reporter_id, target_type, target_id, thread_id, reason, note) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [viewer.id, dto.targetType, targetId, threadId, dto.reason, dto.note?.trim() || null],
      );
      id = rows[0].id;
    } catch (e) {
      if (e instanceof QueryFailedError && (e.driverError as { code?: string }).code === '23505') {
        throw new DomainError('ALREADY_REPORTED', 'You have already reported this. A moderator will look at it.');
      }
      throw e;
    }
    if (dto.targetType !== 'user' && threadId) await this.autoHide(dto.targetType, targetId, threadId);
    return { id, status: 'open' };
  }

  /** Content reported by three different members (two in safety mode) is hidden until a moderator reviews it. */
  private async autoHide(targetType: 'thread' | 'reply', targetId: string, threadId: string): Promise<void> {
    // asked before the transaction: on the embedded database nothing else may run inside it
    const threshold = (await this.duty.safetyMode()) ? AUTO_HIDE_REPORTERS_SAFETY : AUTO_HIDE_REPORTERS;
    const hidden = await this.dataSource.transaction(async (em) => {
      const [{ n }]: { n: number }[] = await em.query(
        `SELECT count(DISTINCT reporter_id)::int AS n FROM reports WHERE target_type = $1 AND target_id = $2 AND status = 'open' AND reporter_id IS NOT NULL`,
        [targetType, targetId],
      );
      if (n < threshold) return false;
      const [rows]: [unknown[], number] =
        targetType === 'thread'
          ? await em.query('UPDATE threads SET hidden = true, updated_at = now() WHERE id = $1 AND hidden = false RETURNING id', [targetId])
          : await em.query('UPDATE replies SET hidden = true, updated_at = now() WHERE id = $1::bigint AND hidden = false RETURNING id', [targetId]);
      if (!rows.length) return false;
      if (targetType === 'reply') await recountReplies(em, threadId);
      await this.moderation.log(em, null, `${targetType}.auto_hide`, targetType, targetId, `Reported by ${n} members; hidden until reviewed.`);
      return true;
    });
    if (!hidden) return;
    if (targetType === 'thread') this.events.emit('thread.updated', { threadId, sections: false });
    else this.events.emit('reply.removed', { threadId, replyId: targetId });
  }

  onModuleInit(): void {
    this.outbox.handle('content.flagged', (em, e) => this.addAutomatic(em, e));
  }

  /** The automatic report of a post that matched a watched word, written from the post's outbox row. */
  private async addAutomatic(em: EntityManager, e: OutboxTopics['content.flagged']): Promise<void> {
    await em.query('INSERT INTO reports (reporter_id, target_type, target_id, thread_id, reason, note, automatic) VALUES (NULL, $1, $2, $3, $4, $5, true)', [
      e.targetType,
      e.targetId,
      e.threadId,
      e.reason,
      e.note,
    ]);
    await this.moderation.log(em, null, e.reason === 'crisis' ? 'report.crisis' : 'report.flag', e.targetType, e.targetId, e.note);
  }

  /** Open reports, crisis first, then oldest first. */
  async list(q: ReportsQuery) {
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
    if (cursor) {
      params.push(!cursor.c, cursor.t, cursor.id);
      where.push(`(r.reason <> 'crisis', r.created_at, r.id) > ($${params.length - 2}::boolean, $${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const rows: {
      id: string; target_type: string; target_id: string; thread_id: string | null; reason: string; note: string | null; automatic: boolean; status: string;
      resolution: string | null; reporter_id: string | null; reporter: string | null; created_at: Date; created_key: string; title: string | null; reply_html: string | null;
    }[] = await this.dataSource.query(
      `SELECT r.id, r.target_type, r.target_id, r.thread_id, r.reason, r.note, r.automatic, r.status, r.resolution, r.reporter_id, u.username AS reporter,
              r.created_at, r.created_at::text AS created_key, t.title,
              CASE WHEN r.target_type = 'reply' THEN (SELECT body_html FROM replies WHERE id = r.target_id::bigint) END AS reply_html
         FROM reports r LEFT JOIN users u ON u.id = r.reporter_id LEFT JOIN threads t ON t.id = r.thread_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY (r.reason <> 'crisis'), r.created_at, r.id
        LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: r.id,
        targetType: r.target_type,
        targetId: r.target_id,
        threadId: r.thread_id,
        threadTitle: r.title,
        replyHtml: r.reply_html,
        reason: r.reason,
        note: r.note,
        automatic: r.automatic,
        status: r.status,
        resolution: r.resolution,
        reporter: r.reporter_id ? { id: r.reporter_id, username: r.reporter } : null,
        createdAt: r.created_at.toISOString(),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(secret, { c: last.reason === 'crisis', t: last.created_key, id: last.id }) : null,
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
    const rows: { author_id: string; title: string }[] = await this.dataSource.query(
      'UPDATE threads SET deleted_at = now(), updated_at = now() WHERE id = $1 RETURNING author_id, title',
      [id],
    ).then((r: [{ author_id: string; title: string }[], number]) => r[0]);
    await this.moderation.log(this.dataSource, viewer.id, 'thread.remove', 'thread', id, note);
    this.events.emit('thread.updated', { threadId: id, sections: false });
    if (rows[0]) await this.notifications.notify(rows[0].author_id, { kind: 'moderation', text: `A moderator removed your story "${rows[0].title.slice(0, 80)}"${note ? `. Reason: ${note}` : '.'}`, threadId: id });
  }

  private async removeReply(viewer: Viewer, id: string, threadId: string, note?: string): Promise<void> {
    const rows = await this.dataSource.transaction(async (em) => {
      const [r]: [{ author_id: string }[], number] = await em.query('UPDATE replies SET deleted_at = now(), updated_at = now() WHERE id = $1::bigint RETURNING author_id', [id]);
      await recountReplies(em, threadId);
      await this.moderation.log(em, viewer.id, 'reply.remove', 'reply', id, note);
      return r;
    });
    this.events.emit('reply.removed', { threadId, replyId: id });
    if (rows[0]) await this.notifications.notify(rows[0].author_id, { kind: 'moderation', text: `A moderator removed your reply${note ? `. Reason: ${note}` : '.'}`, threadId, replyId: id });
  }
}
