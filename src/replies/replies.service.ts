import { Injectable, OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, EntityManager } from 'typeorm';
import type { Viewer } from '../access/viewer.js';
import { isStaff } from '../access/viewer.js';
import { assertCanWrite, REPLY_ID_RE, UUID_RE } from '../access/policy.js';
import { namedActorBlocked, published as isPublished, replyBlocked, replyListed, replyNamed, replyPublic, storyAnswerable, storyReadable } from '../access/read-rule.js';
import type { ViewerSql } from '../access/read-rule.js';
import { inBackground } from '../common/draining.js';
import { durationInWords } from '../common/durations.js';
import { DomainError, forbidden, notFound } from '../common/errors.js';
import type { DomainEvents } from '../common/events.js';
import { renderMarkdown } from '../common/markdown.js';
import type { Page } from '../contract/views.js';
import { prepared, run } from '../database/prepared.js';
import type { Prepared } from '../database/prepared.js';
import { OutboxService } from '../database/outbox.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { SecretsService } from '../database/secrets.service.js';
import { SafetyService, SafetyNote, Verdict } from '../safety/safety.service.js';
import { StoriesService } from '../stories/stories.service.js';
import { RevisionsRepository } from '../stories/revisions.repository.js';
import type { CreateReplyDto, ListRepliesQuery, UpdateReplyDto } from './reply.dto.js';
import { AnyReplyView, quoteOf, QuoteRow, REPLY_COLUMNS, REPLY_VERDICTS, ReplyRow, toReplyView } from './reply.views.js';

export interface CreatedReply {
  reply: AnyReplyView & { safety?: SafetyNote };
  created: boolean;
}

/**
 * reply_count counts what members see: published, not hidden, not deleted; `answered` says whether one of those is
 * from someone other than the story's author (the "Waiting for a first reply" list is the stories where it is not).
 */
export async function recountReplies(em: EntityManager | DataSource, threadId: string): Promise<void> {
  await em.query(
    `UPDATE threads t SET reply_count = (SELECT count(*) FROM replies r WHERE r.thread_id = $1 AND ${replyPublic('r')}),
            answered = EXISTS (SELECT 1 FROM replies r WHERE r.thread_id = $1 AND r.author_id <> t.author_id AND ${replyPublic('r')})
      WHERE t.id = $1`,
    [threadId],
  );
}

// in the statements below $1 is the viewer; `staff` is the parameter that says whether they read as staff
const viewerSql = (staff: string): ViewerSql => ({ id: '$1', staff });
const MY_REACTIONS = `(SELECT array_agg(kind) FROM reply_reactions mr WHERE mr.reply_id = r.id AND mr.user_id = $1) AS my_reactions,
  ${replyBlocked('r', 't', '$1')} AS blocked,
  (SELECT ${replyBlocked('q', 't', '$1')} FROM replies q WHERE q.id = r.reply_to) AS quote_blocked`;

interface ThreadGate {
  gate_readable: boolean;
}

/**
 * FROM and ORDER BY of a page: story `t`'s replies after reply id `after` that viewer $1 may list, at most `rows`, in
 * order, with their authors as `u`. The replies are cut to the page before anything is joined to them, and each
 * author is then looked up by key (OFFSET 0 keeps PostgreSQL from flattening that lookup back into a join): with a
 * plain join, on a community of a thousand members, the generic plan hashed the whole users table and sorted all of
 * the story's replies for every page (measured on the bench data: 1.25 ms a story page, 0.70 ms in this shape).
 * `r.*` is safe in a prepared statement here: the inner list is expanded anew when a migration adds a column, and the
 * statement's own columns stay the ones REPLY_COLUMNS names.
 */
const pageOf = (after: string, staff: string, rows: number): string => `FROM (
      SELECT r.* FROM replies r
       WHERE (r.thread_id, r.id) > (t.id, ${after}) AND r.thread_id <= t.id
         AND ${replyListed('r', viewerSql(staff))}
       ORDER BY r.thread_id, r.id
       LIMIT ${rows}
    ) r
    CROSS JOIN LATERAL (SELECT u.username, u.deleted_at FROM users u WHERE u.id = r.author_id OFFSET 0) u
    ORDER BY r.thread_id, r.id`;

/**
 * One prepared statement per standard page size, with the LIMIT written in: with `LIMIT $n` PostgreSQL costs a generic plan
 * as if a tenth of the story could come back, keeps planning the statement anew on every call, and the planning
 * costs more than the run (measured: 0.58 ms a page with `LIMIT $5`, 0.26 ms with the limit written in).
 * "This story's replies after `after`" is written as a range of replies (thread_id, id) so that only that index can
 * serve it in order: with `thread_id = $2 … ORDER BY id` the generic plan may walk the primary key instead, which
 * on a table dominated by one long story took 20 ms for the first page of a story whose replies came late. And the
 * story is named through `t.id`, never `$2`, inside the page: then no call's own values change the estimate, the
 * generic plan costs the same as a custom one, and PostgreSQL keeps it instead of planning every call anew (with
 * `$2` it chose by the first five stories a connection happened to serve: 0.41 against 0.30 ms a page).
 * The lateral page runs once for the story row; `t` inside REPLY_COLUMNS is that story.
 */
const pageStatements = new Map<number, Prepared>();
// a few sizes only, so no caller can make a connection hold a plan per possible limit; a smaller limit is cut in code
const PAGE_ROWS = [21, 51, 201];
const repliesPage = (wanted: number): Prepared => {
  const rows = PAGE_ROWS.find((n) => n >= wanted);
  if (rows === undefined) throw new Error(`replies page of ${wanted} rows`);
  const known = pageStatements.get(rows);
  if (known) return known;
  const statement = prepared(
    `replies.page_${rows}`,
    `SELECT ${storyReadable('t', viewerSql('$4::boolean'))} AS gate_readable, p.*
       FROM threads t
       LEFT JOIN LATERAL (SELECT ${REPLY_COLUMNS}, ${MY_REACTIONS} ${pageOf('$3::bigint', '$4::boolean', rows)}) p ON true
      WHERE t.id = $2`,
  );
  pageStatements.set(rows, statement);
  return statement;
};

/**
 * The first page of story `t`'s replies as one JSON column of the story's own statement (GET /threads/:id?include=replies):
 * the rows of repliesPage with `after` = 0, the same columns, read rule and order, for viewer $1 (staff: $3).
 */
const storyPageColumn = (rows: number): string => `(SELECT coalesce(json_agg(p ORDER BY p.id::bigint), '[]'::json) FROM (
    SELECT ${REPLY_COLUMNS}, ${MY_REACTIONS} ${pageOf('0::bigint', '$3::boolean', rows)}
  ) p)`;

/** A reply row that came as JSON: its timestamps are text there, Dates in a row node-postgres parsed. */
function fromJson(raw: unknown): ReplyRow {
  const r = raw as ReplyRow & Record<'created_at' | 'edited_at' | 'updated_at' | 'deleted_at', string | Date | null>;
  const date = (v: string | Date | null): Date | null => (v === null || v instanceof Date ? v : new Date(v));
  return { ...r, created_at: date(r.created_at) as Date, edited_at: date(r.edited_at), updated_at: date(r.updated_at) as Date, deleted_at: date(r.deleted_at) };
}

const REPLY_ROW = prepared(
  'reply.row',
  `SELECT ${REPLY_COLUMNS}, ${MY_REACTIONS}, ${replyListed('r', viewerSql('$3::boolean'))} AS listed FROM replies r JOIN users u ON u.id = r.author_id JOIN threads t ON t.id = r.thread_id WHERE r.id = $2::bigint`,
);

interface ReplyGate {
  id: string;
  author_id: string;
  answerable: boolean;
  anonymous: boolean;
  locked: boolean;
  paused: boolean;
  author_blocked_viewer: boolean;
  slow_mode_wait: number | null;
}

// the slow-mode wait is only worked out for a story in slow mode (CASE evaluates its sub-select lazily). NO KEY:
// replies to one story still take turns, but rows that merely point at the story (the notifications its replies
// cause, written meanwhile by the outbox) no longer wait for each new reply, nor it for them
const REPLY_GATE = prepared(
  'reply.gate',
  `SELECT t.id, t.author_id, t.anonymous, t.locked, t.paused, ${storyAnswerable('t', { id: '$2', staff: '$3::boolean' })} AS answerable,
          ${namedActorBlocked('$2', 't.author_id')} AS author_blocked_viewer,
          CASE WHEN t.slow_mode_seconds > 0 THEN
            (SELECT ceil(t.slow_mode_seconds - extract(epoch FROM now() - max(r.created_at)))::int
               FROM replies r WHERE r.thread_id = t.id AND r.author_id = $2
             HAVING max(r.created_at) > now() - make_interval(secs => t.slow_mode_seconds))
          END AS slow_mode_wait
     FROM threads t
    WHERE t.id = $1
      FOR NO KEY UPDATE OF t`,
);

// one statement inserts the reply and, when it is published, counts it on its story (and, from anyone but the
// story's author, takes the story off the "Waiting for a first reply" list)
const REPLY_INSERT = prepared(
  'reply.insert',
  `WITH ins AS (
     INSERT INTO replies (thread_id, author_id, anonymous, body_md, body_html, client_key, status, crisis, reply_to)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::bigint)
     ON CONFLICT (thread_id, author_id, client_key) WHERE client_key IS NOT NULL DO NOTHING
     RETURNING id, thread_id, author_id, anonymous, status, hidden, deleted_at, created_at
   ), bump AS (
     UPDATE threads SET reply_count = reply_count + 1, last_activity_at = now(), updated_at = now(),
            answered = answered OR $2 <> threads.author_id
      WHERE id = $1 AND EXISTS (SELECT 1 FROM ins r WHERE ${replyPublic('r')})
   )
   SELECT r.id::text AS id, r.created_at, ${REPLY_VERDICTS} FROM ins r JOIN threads t ON t.id = r.thread_id`,
);

/**
 * The reply a new one answers ($1), if it is of this story ($2) and the replier ($3) sees it in full: published,
 * not hidden or deleted, not a named reply by someone they blocked. Read under the story's row lock.
 */
const ANSWERED = prepared(
  'reply.answered',
  `SELECT ${quoteOf('r.id')} AS quote
     FROM replies r JOIN threads t ON t.id = r.thread_id
    WHERE r.id = $1::bigint AND r.thread_id = $2 AND ${replyPublic('r')} AND NOT ${replyBlocked('r', 't', '$3')}`,
);

@Injectable()
export class RepliesService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly stories: StoriesService,
    private readonly secrets: SecretsService,
    private readonly events: EventEmitter2,
    private readonly safety: SafetyService,
    private readonly outbox: OutboxService,
    private readonly notifications: NotificationsService,
    private readonly revisions: RevisionsRepository,
  ) {}

  private emit<K extends keyof DomainEvents>(name: K, payload: DomainEvents[K]): void {
    this.events.emit(name, payload);
  }

  onModuleInit(): void {
    this.safety.addPublishedCount(`SELECT count(*) FROM replies r WHERE r.author_id = $1 AND ${isPublished('r')}`);
    // GET /threads/:id?include=replies: the story's statement carries its first page (one round trip, one statement)
    this.stories.provideStoryPageReplies({
      sizes: PAGE_ROWS,
      column: storyPageColumn,
      page: (viewer, rows, limit) => this.toPage(viewer, rows.map(fromJson), limit),
    });
  }

  /** Replies of a thread after a reply id, oldest first; `after` never skips one, as ids become visible in order. */
  async list(viewer: Viewer, threadId: string, q: ListRepliesQuery): Promise<Page<AnyReplyView>> {
    return this.page(viewer, threadId, q.after ?? '0', q.limit ?? 50);
  }

  /** One statement: the story's read rule and the page together (404 when the viewer may not read the story). */
  async page(viewer: Viewer, threadId: string, after: string, limit: number): Promise<Page<AnyReplyView>> {
    if (typeof threadId !== 'string' || !UUID_RE.test(threadId)) throw notFound('That story');
    const rows: (ReplyRow & ThreadGate)[] = await run(this.dataSource, repliesPage(limit + 1), [viewer.id, threadId, after, isStaff(viewer)]);
    const gate = rows[0];
    if (!gate?.gate_readable) throw notFound('That story');
    // a readable story without replies (after the cursor) comes back as one row of story columns only
    return this.toPage(viewer, gate.id === null ? [] : rows, limit);
  }

  /** Up to `limit` + 1 rows in order, as a page: the first `limit`, and a cursor when there was one more. */
  private toPage(viewer: Viewer, rows: ReplyRow[], limit: number): Page<AnyReplyView> {
    const replies = rows.slice(0, limit + 1);
    const page = replies.slice(0, limit);
    return {
      items: page.map((r) => toReplyView(r, viewer, this.secrets.appSecret)),
      nextCursor: replies.length > limit ? page[page.length - 1].id : null,
    };
  }

  /** Replies of a thread edited, removed or approved since a time (for a reader catching up after a reconnect). */
  async changedSince(viewer: Viewer, threadId: string, since: Date, upToId: string, limit = 200): Promise<AnyReplyView[]> {
    const staff = isStaff(viewer);
    const rows: ReplyRow[] = await this.dataSource.query(
      `SELECT ${REPLY_COLUMNS}, ${MY_REACTIONS}
         FROM replies r JOIN users u ON u.id = r.author_id JOIN threads t ON t.id = r.thread_id
        WHERE r.thread_id = $2 AND r.updated_at > $3 AND r.id <= $4::bigint AND r.updated_at > r.created_at
          AND ${replyListed('r', viewerSql('$5::boolean'))}
        ORDER BY r.id
        LIMIT $6`,
      [viewer.id, threadId, since, upToId, staff, limit],
    );
    return rows.map((r) => toReplyView(r, viewer, this.secrets.appSecret));
  }

  async create(viewer: Viewer, threadId: string, dto: CreateReplyDto): Promise<CreatedReply> {
    assertCanWrite(viewer);
    if (typeof threadId !== 'string' || !UUID_RE.test(threadId)) throw notFound('That story');
    const html = renderMarkdown(dto.body);
    const verdict = await this.safety.verdict([dto.body], { needsReview: await this.safety.needsReview(viewer), author: viewer });
    // the story's row lock orders reply ids (one allocated later becomes visible later, so `after` never skips);
    // it is held for two statements and the commit, so everything else is asked in the statement that takes it
    const result = await this.dataSource.transaction(async (em) => {
      const [t]: ReplyGate[] = await run(em, REPLY_GATE, [threadId, viewer.id, isStaff(viewer)]);
      if (!t?.answerable) throw notFound('That story');
      if (t.locked) throw new DomainError('THREAD_LOCKED', 'This story is locked: new replies are closed.');
      if (t.paused && t.author_id !== viewer.id) throw new DomainError('REPLIES_PAUSED', 'The author has paused replies on this story for now.');
      // a member the author blocked cannot answer them; on anonymous stories the reply is only hidden from the author
      if (!t.anonymous && t.author_id !== viewer.id && t.author_blocked_viewer) throw forbidden('You cannot reply to this story.');
      if (t.slow_mode_wait !== null && t.slow_mode_wait > 0 && !isStaff(viewer)) {
        throw new DomainError('RATE_LIMITED', `This story is in slow mode: you can reply again in ${durationInWords(t.slow_mode_wait * 1000)}.`, { retryAfter: t.slow_mode_wait });
      }
      // the author of an anonymous story always answers under their pseudonym, or they would unmask themselves
      const anonymous = (t.anonymous && t.author_id === viewer.id) || (dto.anonymous ?? false);
      // the reply it answers: of this story and seen in full by the replier, or nothing is stored
      const replyTo = dto.replyTo ?? null;
      let quote: QuoteRow | null = null;
      if (replyTo !== null) {
        const [answered]: { quote: QuoteRow }[] = await run(em, ANSWERED, [replyTo, t.id, viewer.id]);
        if (!answered) throw notFound('The reply you are answering');
        quote = answered.quote;
      }
      const [inserted]: (Pick<ReplyRow, 'id' | 'created_at' | 'public' | 'gone' | 'held' | 'named'>)[] = await run(em, REPLY_INSERT, [t.id, viewer.id, anonymous, dto.body, html, dto.clientKey ?? null, verdict.status, verdict.crisis, replyTo]);
      if (!inserted) return { thread: t, row: null, outbox: [] };
      const row: ReplyRow = {
        id: inserted.id,
        thread_id: t.id,
        author_id: viewer.id,
        author_username: viewer.username,
        author_gone: false,
        anonymous,
        body_md: dto.body,
        body_html: html,
        status: verdict.status,
        hidden: false,
        crisis: verdict.crisis,
        created_at: inserted.created_at,
        edited_at: null,
        updated_at: inserted.created_at,
        deleted_at: null,
        thread_author_id: t.author_id,
        thread_anonymous: t.anonymous,
        reactions: null,
        public: inserted.public,
        gone: inserted.gone,
        held: inserted.held,
        named: inserted.named,
        reply_to: replyTo,
        quote,
        quote_blocked: false,
      };
      // what the reply causes (notifications, an automatic report) is written with it
      const outbox = [await this.outbox.add(em, 'reply.created', { threadId: t.id, replyId: row.id }), ...(await this.stories.addFlags(em, verdict, 'reply', row.id, t.id))];
      return { thread: t, row, outbox };
    });
    if (!result.row) {
      // the same clientKey again: the first reply, as it is now
      const [existing]: { id: string }[] = await this.dataSource.query(`SELECT id::text AS id FROM replies WHERE thread_id = $1 AND author_id = $2 AND client_key = $3`, [
        result.thread.id,
        viewer.id,
        dto.clientKey,
      ]);
      return { reply: await this.getView(viewer, existing.id), created: false };
    }
    // the new reply travels with the event, so the live push does not read it back
    // the live push first, then what the reply caused: a push that could not go out (this instance dying or
    // stopping) leaves the outbox row to another instance's sweep, which notifies and pushes again
    const outbox = result.outbox;
    this.outbox.hold(outbox);
    void inBackground(this.events.emitAsync('reply.created', { threadId, replyId: result.row.id, row: result.row, committedAt: performance.now() })).then(
      (pushed: unknown[]) => {
        if (!pushed.includes(false)) this.outbox.deliver(outbox);
        else this.outbox.release(outbox);
      },
      () => this.outbox.deliver(outbox),
    );
    const reply = toReplyView(result.row, viewer, this.secrets.appSecret);
    return { reply: verdict.safety ? { ...reply, safety: verdict.safety } : reply, created: true };
  }

  async loadRow(viewer: Viewer, id: string, em: EntityManager | DataSource = this.dataSource): Promise<ReplyRow> {
    if (typeof id !== 'string' || !REPLY_ID_RE.test(id)) throw notFound('That reply');
    const rows: ReplyRow[] = await run(em, REPLY_ROW, [viewer.id, id, isStaff(viewer)]);
    return rows[0] ?? Promise.reject(notFound('That reply'));
  }

  /** A reply as this viewer may see it, after the thread's read rule. */
  async getView(viewer: Viewer, id: string): Promise<AnyReplyView> {
    const row = await this.loadRow(viewer, id);
    await this.stories.loadReadable(viewer, row.thread_id);
    if (!row.listed) throw notFound('That reply');
    return toReplyView(row, viewer, this.secrets.appSecret);
  }

  /** Loads a reply for a change by its author: 404 when gone or unreadable, 403 for someone else's. */
  private async loadOwn(viewer: Viewer, id: string, em: EntityManager): Promise<ReplyRow> {
    const row = await this.loadRow(viewer, id, em);
    const t = await this.stories.loadReadable(viewer, row.thread_id, em, true);
    // a deleted reply cannot change; a hidden one only under a moderator's eyes
    if (row.deleted_at || (row.hidden && !isStaff(viewer)) || !row.listed) throw notFound('That reply');
    if (row.author_id !== viewer.id) throw forbidden('Only the author can change this reply.');
    if (t.locked) throw new DomainError('THREAD_LOCKED', 'This story is locked: replies can no longer be changed.');
    return row;
  }

  async update(viewer: Viewer, id: string, dto: UpdateReplyDto): Promise<AnyReplyView & { safety?: SafetyNote }> {
    assertCanWrite(viewer);
    // an edit is screened like a new reply: it cannot smuggle in what posting would have refused or held
    const before = await this.loadRow(viewer, id);
    const verdict: Verdict = await this.safety.verdict([dto.body], { needsReview: false, author: viewer, wasCrisis: before.crisis === true });
    const row = await this.dataSource.transaction(async (em) => {
      const r = await this.loadOwn(viewer, id, em);
      await this.revisions.keep(em, 'reply', r.id, viewer.id, { body: r.body_md });
      await em.query(`UPDATE replies SET body_md = $2, body_html = $3, crisis = $4, edited_at = now(), updated_at = now() WHERE id = $1::bigint`, [r.id, dto.body, renderMarkdown(dto.body), verdict.crisis]);
      if (verdict.status === 'pending') {
        await em.query(`UPDATE replies SET status = 'pending' WHERE id = $1::bigint`, [r.id]);
        await recountReplies(em, r.thread_id);
      }
      return { ...r, outbox: await this.stories.addFlags(em, verdict, 'reply', r.id, r.thread_id) };
    });
    this.emit(verdict.status === 'pending' ? 'reply.removed' : 'reply.updated', { threadId: row.thread_id, replyId: row.id });
    this.outbox.deliver(row.outbox);
    const view = await this.getView(viewer, id);
    return verdict.safety ? { ...view, safety: verdict.safety } : view;
  }

  async remove(viewer: Viewer, id: string): Promise<void> {
    assertCanWrite(viewer);
    const row = await this.dataSource.transaction(async (em) => {
      const r = await this.loadOwn(viewer, id, em);
      await em.query(`UPDATE replies SET deleted_at = now(), updated_at = now() WHERE id = $1::bigint`, [r.id]);
      await recountReplies(em, r.thread_id);
      // nobody is sent to words their author took back: what the reply caused goes with it
      return { ...r, withdrawn: await this.notifications.withdrawForReply(em, r.id) };
    });
    this.notifications.announceRemoved(row.withdrawn);
    this.emit('reply.removed', { threadId: row.thread_id, replyId: row.id });
  }
}
