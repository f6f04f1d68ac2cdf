import { Injectable, OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import { assertCanWrite } from '../access/policy.js';
import { replyPublic } from '../access/read-rule.js';
import type { Viewer } from '../access/viewer.js';
import { DomainError, forbidden, notFound } from '../common/errors.js';
import type { DomainEvents } from '../common/events.js';
import { renderMarkdown } from '../common/markdown.js';
import type { FollowUpView, ThreadView } from '../contract/views.js';
import { OutboxService } from '../database/outbox.service.js';
import { prepared, run } from '../database/prepared.js';
import { SafetyService } from '../safety/safety.service.js';
import type { SafetyNote } from '../safety/safety.service.js';
import { StoriesService } from '../stories/stories.service.js';
import type { ThreadRow } from '../stories/thread.views.js';
import type { CreateFollowUpDto } from './arc.dto.js';
import { FollowUpRow, toFollowUpView } from './arc.views.js';

/** A story holds at most this many follow-ups: every Thread view and live push carries them all. */
export const MAX_FOLLOW_UPS = 24;

// what the arc adds to every Thread view, as columns of the story's own statement (story `thread`, viewer `viewer`):
// the follow-ups, the highlighted replies still shown in full (the read rule's replyPublic: a read-only join on
// replies, allowed in docs/ownership.md so the arc costs a story view no statement of its own), and the author's own
// pending reminder
const arcColumns = (thread: string, viewer: string): string => `(SELECT coalesce(json_agg(json_build_object('id', f.id::text, 'bodyHtml', f.body_html,
          'createdAt', to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) ORDER BY f.id), '[]'::json)
    FROM follow_ups f WHERE f.thread_id = ${thread}) AS arc_follow_ups,
  (SELECT coalesce(array_agg(h.reply_id::text ORDER BY h.created_at, h.reply_id), '{}'::text[])
    FROM reply_highlights h JOIN replies r ON r.id = h.reply_id WHERE h.thread_id = ${thread} AND ${replyPublic('r')}) AS arc_highlighted,
  (SELECT m.due_at FROM follow_up_reminders m WHERE m.thread_id = ${thread} AND m.user_id = ${viewer} AND m.fired_at IS NULL) AS arc_reminder_at`;

// the same columns for a story read without them (a live push)
const ARC_PART = prepared('arc.view_part', `SELECT ${arcColumns('$1', '$2')}`);

type ArcColumns = { arc_follow_ups: { id: string; bodyHtml: string; createdAt: string }[]; arc_highlighted: string[]; arc_reminder_at: Date | null };

/**
 * Follow-ups: what happened next, added by a story's author under their story, rendered and sanitized on write like
 * every post and screened like one (a crisis phrase or a watched word reports the story to moderators).
 */
@Injectable()
export class FollowUpsService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly stories: StoriesService,
    private readonly safety: SafetyService,
    private readonly outbox: OutboxService,
    private readonly events: EventEmitter2,
  ) {}

  onModuleInit(): void {
    this.stories.addViewPart({
      columns: arcColumns('t.id', '$1'),
      fromRow: (row, viewer) => arcView(row, row as ThreadRow & ArcColumns, viewer),
      read: async (row, viewer) => {
        const [r]: ArcColumns[] = await run(this.dataSource, ARC_PART, [row.id, viewer.id]);
        return arcView(row, r, viewer);
      },
    });
  }

  private emit<K extends keyof DomainEvents>(name: K, payload: DomainEvents[K]): void {
    this.events.emit(name, payload);
  }

  async create(viewer: Viewer, threadId: string, dto: CreateFollowUpDto): Promise<FollowUpView & { safety?: SafetyNote }> {
    assertCanWrite(viewer);
    const html = renderMarkdown(dto.body);
    const verdict = await this.safety.verdict([dto.body], { needsReview: false, author: viewer });
    const { row, flags } = await this.dataSource.transaction(async (em) => {
      // the story's row lock orders follow-ups and keeps the count honest
      const t = await this.stories.loadReadable(viewer, threadId, em, true);
      if (t.author_id !== viewer.id) throw forbidden('Only the author can add a follow-up to this story.');
      if (t.gone) throw notFound('That story');
      const [{ n }]: { n: number }[] = await em.query(`SELECT count(*)::int AS n FROM follow_ups WHERE thread_id = $1`, [t.id]);
      if (n >= MAX_FOLLOW_UPS) throw new DomainError('CONFLICT', `A story can carry ${MAX_FOLLOW_UPS} follow-ups. Edit the story itself, or start a new one.`);
      const [inserted]: FollowUpRow[] = await em.query(
        `INSERT INTO follow_ups (thread_id, author_id, body_md, body_html) VALUES ($1, $2, $3, $4) RETURNING id::text AS id, thread_id, body_html, created_at`,
        [t.id, viewer.id, dto.body, html],
      );
      // a follow-up has no review state of its own: what would hold a post reports the story to moderators instead
      const screened = verdict.status === 'pending' && !verdict.crisis ? { ...verdict, flag: true } : verdict;
      return { row: inserted, flags: await this.stories.addFlags(em, screened, 'thread', t.id, t.id) };
    });
    this.emit('thread.updated', { threadId: row.thread_id, sections: false });
    this.outbox.deliver(flags);
    const view = toFollowUpView(row);
    return verdict.safety ? { ...view, safety: verdict.safety } : view;
  }
}

/** The arc's fields of a Thread view (StoriesService.view adds them to every view and live push). */
function arcView(row: ThreadRow, r: ArcColumns | undefined, viewer: Viewer): Partial<ThreadView> {
  const part: Partial<ThreadView> = {
    followUps: (r?.arc_follow_ups ?? []).map((f) => ({ id: f.id, threadId: row.id, bodyHtml: f.bodyHtml, createdAt: f.createdAt })),
    highlightedReplyIds: r?.arc_highlighted ?? [],
  };
  if (row.author_id === viewer.id) part.reminderAt = r?.arc_reminder_at ? r.arc_reminder_at.toISOString() : null;
  return part;
}
