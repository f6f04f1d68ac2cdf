import { Inject, Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, EntityManager } from 'typeorm';
import type { Viewer } from '../access/viewer.js';
import { isStaff } from '../access/viewer.js';
import { assertCanWrite, UUID_RE } from '../access/policy.js';
import { published as isPublished, storyListed, storyReadable } from '../access/read-rule.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { DomainError, forbidden, notFound } from '../common/errors.js';
import type { DomainEvents } from '../common/events.js';
import { excerptFromMarkdown, renderMarkdown } from '../common/markdown.js';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.js';
import type { Page, ReactionKind, ReplyMode, ThreadListItemView, ThreadView } from '../contract/views.js';
import type { StoryPageView } from '../contract/views.js';
import { prepared, run } from '../database/prepared.js';
import type { Prepared } from '../database/prepared.js';
import { OutboxService } from '../database/outbox.service.js';
import { SecretsService } from '../database/secrets.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { SafetyService, Verdict } from '../safety/safety.service.js';
import { CategoriesService } from './categories.service.js';
import { RevisionsRepository } from './revisions.repository.js';
import type { GetThreadQuery } from './get-thread.dto.js';
import type { CreateThreadDto, ListThreadsQuery, UpdateThreadDto } from './thread.dto.js';
import { MARK_END, MARK_START, reactionCounts, REACTION_KINDS, THREAD_COLUMNS, ThreadListRow, ThreadRow, toThreadListItem, toThreadView } from './thread.views.js';

/** The fields of PATCH /threads/:id that edit the story itself (a revision is kept, it is screened again). */
const EDITABLE = ['title', 'category', 'happened', 'handled', 'learned', 'contentWarning'] as const satisfies readonly (keyof UpdateThreadDto)[];

type ListCursor = { p: boolean; t: string; id: string } | { r: number; id: string };
const isListCursor = (v: unknown): v is ListCursor => {
  const c = v as Record<string, unknown>;
  if (!c || typeof c !== 'object' || typeof c.id !== 'string' || !UUID_RE.test(c.id)) return false;
  if ('r' in c) return typeof c.r === 'number' && Number.isFinite(c.r);
  return typeof c.p === 'boolean' && typeof c.t === 'string' && !Number.isNaN(Date.parse(c.t));
};
type ProfileCursor = { t: string; id: string };
const isProfileCursor = (v: unknown): v is ProfileCursor => {
  const c = v as Record<string, unknown>;
  return !!c && typeof c === 'object' && typeof c.id === 'string' && UUID_RE.test(c.id) && typeof c.t === 'string' && !Number.isNaN(Date.parse(c.t));
};

type WaitingCursor = { w: string; id: string };
const isWaitingCursor = (v: unknown): v is WaitingCursor => {
  const c = v as Record<string, unknown>;
  return !!c && typeof c === 'object' && typeof c.id === 'string' && UUID_RE.test(c.id) && typeof c.w === 'string' && !Number.isNaN(Date.parse(c.w));
};

// the reaction counts of each list row come from a correlated subquery: one query per page, whatever its size
export const LIST_COLUMNS = `
  t.id, t.author_id, u.username AS author_username, u.deleted_at IS NOT NULL AS author_gone, t.anonymous, t.category, t.title, t.excerpt, t.content_warning,
  t.pinned, t.locked, t.reply_count, t.created_at, t.last_activity_at, t.last_activity_at::text AS activity_key,
  (SELECT json_object_agg(x.kind, x.n) FROM (SELECT kind, count(*)::int AS n FROM thread_reactions tr WHERE tr.thread_id = t.id GROUP BY kind) x) AS reactions`;

// lists show the same stories to members and staff ($1 is the viewer)
const VISIBLE = storyListed('t', '$1');

const LIST_ROWS = [21, 51];

const threadRead = (lock: boolean): string => `SELECT ${THREAD_COLUMNS}, ${storyReadable('t', { id: '$2', staff: '$3::boolean' })} AS readable
  FROM threads t JOIN users u ON u.id = t.author_id
 WHERE t.id = $1 ${lock ? 'FOR UPDATE OF t' : ''}`;
const THREAD_READ = prepared('thread.read', threadRead(false));
const THREAD_READ_FOR_UPDATE = prepared('thread.read_for_update', threadRead(true));

type ReactionRow = { kind: ReactionKind; n: number; mine: boolean };
type ViewRow = ThreadRow & { reaction_rows: ReactionRow[] | null; replies?: unknown[] };

/**
 * A story as `GET /threads/:id` shows it, in one statement: the row, the read rule's verdict for viewer $1 (staff: $3)
 * and the story's reactions (THREAD_REACTIONS as JSON); with `replies`, also the first page of its replies (a column
 * the replies module writes, see StoryPageReplies). $2 is the story.
 */
const threadView = (parts: string[], replies?: string): string => `SELECT ${THREAD_COLUMNS}, ${storyReadable('t', { id: '$1', staff: '$3::boolean' })} AS readable,
  (SELECT json_agg(x) FROM (SELECT kind, count(*)::int AS n, bool_or(user_id = $1) AS mine FROM thread_reactions WHERE thread_id = t.id GROUP BY kind) x) AS reaction_rows${
    parts.map((columns) => `,\n  ${columns}`).join('')
  }${replies ? `,\n  ${replies} AS replies` : ''}
  FROM threads t JOIN users u ON u.id = t.author_id
 WHERE t.id = $2`;

/**
 * The first page of a story's replies, for `GET /threads/:id?include=replies`; given at start by the replies module,
 * which owns that page's statement and views (this module cannot import it: it imports this one).
 */
export interface StoryPageReplies {
  /** the page sizes (rows read) it prepares statements for */
  readonly sizes: readonly number[];
  /** SQL of one column: the first `rows` replies of story `t` that viewer $1 (staff: `$3::boolean`) may list, as a JSON array */
  column(rows: number): string;
  /** that column, as the page `GET /threads/:id/replies?limit=` answers */
  page(viewer: Viewer, rows: unknown[], limit: number): Page<unknown>;
}

const THREAD_REACTIONS = prepared(
  'thread.reactions',
  `SELECT kind, count(*)::int AS n, bool_or(user_id = $2) AS mine FROM thread_reactions WHERE thread_id = $1 GROUP BY kind`,
);

/**
 * What another module adds to every Thread view (the author's arc: follow-ups, highlighted replies), read from the
 * tables it owns; registered at start (`addViewPart`), so this module needs to know nothing of them. Its columns join
 * the story's own statement, so a story read costs no round trip more for them.
 */
export interface ThreadViewPart {
  /** SQL of the columns it adds to the story's statement: story `t`, viewer `$1` */
  readonly columns: string;
  /** its fields of the view, from a row read with those columns */
  fromRow(row: ThreadRow, viewer: Viewer): Partial<ThreadView>;
  /** the same fields for a row read without them (a live push), in a statement of its own */
  read(row: ThreadRow, viewer: Viewer): Promise<Partial<ThreadView>>;
}

@Injectable()
export class StoriesService implements OnModuleInit, OnApplicationBootstrap {
  private storyPageReplies: StoryPageReplies | null = null;
  private readonly storyPageStatements = new Map<number, Prepared>();
  private readonly viewParts: ThreadViewPart[] = [];
  private threadViewStatement: Prepared | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretsService,
    private readonly categories: CategoriesService,
    private readonly events: EventEmitter2,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly safety: SafetyService,
    private readonly outbox: OutboxService,
    private readonly notifications: NotificationsService,
    private readonly revisions: RevisionsRepository,
  ) {}

  /**
   * In the post's own transaction: a post that matched a flag or crisis word gets an automatic report, through the
   * outbox, so a crash after the commit cannot lose it. Hand the ids to `outbox.deliver` after the commit.
   */
  async addFlags(em: EntityManager, verdict: Verdict, targetType: 'thread' | 'reply', targetId: string, threadId: string): Promise<string[]> {
    const ids: string[] = [];
    if (verdict.crisis) ids.push(await this.outbox.add(em, 'content.flagged', { targetType, targetId, threadId, reason: 'crisis', note: 'The post matched a crisis phrase.' }));
    if (verdict.flag) ids.push(await this.outbox.add(em, 'content.flagged', { targetType, targetId, threadId, reason: 'other', note: 'The post matched a watched word.' }));
    return ids;
  }

  private emit<K extends keyof DomainEvents>(name: K, payload: DomainEvents[K]): void {
    this.events.emit(name, payload);
  }

  async create(viewer: Viewer, dto: CreateThreadDto): Promise<ThreadView> {
    assertCanWrite(viewer);
    const category = this.categories.require(dto.category);
    const handled = dto.handled ?? '';
    const learned = dto.learned ?? '';
    const verdict = await this.safety.verdict([dto.title, dto.happened, handled, learned], {
      needsReview: await this.safety.needsReview(viewer),
      author: viewer,
      newStory: true,
      warning: dto.contentWarning,
    });
    // a crisis story without a content warning gets one from its phrase, which its author may change
    const contentWarning = dto.contentWarning?.trim() || (verdict.crisis ? verdict.crisisLabel ?? null : null);
    const { id, flags } = await this.dataSource.transaction(async (em) => {
      const rows: { id: string }[] = await em.query(
        `INSERT INTO threads (author_id, anonymous, category, title, happened_md, happened_html, handled_md, handled_html,
                              learned_md, learned_html, excerpt, content_warning, status, crisis, reply_mode)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
        [
          viewer.id,
          dto.anonymous ?? false,
          category,
          dto.title.trim(),
          dto.happened,
          renderMarkdown(dto.happened),
          handled,
          renderMarkdown(handled),
          learned,
          renderMarkdown(learned),
          excerptFromMarkdown(dto.happened, 220),
          contentWarning,
          verdict.status,
          verdict.crisis,
          dto.replyMode ?? 'advice',
        ],
      );
      return { id: rows[0].id, flags: await this.addFlags(em, verdict, 'thread', rows[0].id, rows[0].id) };
    });
    this.emit('thread.created', { threadId: id });
    this.outbox.deliver(flags);
    const view = await this.get(viewer, id);
    return verdict.safety ? { ...view, safety: verdict.safety } as ThreadView : view;
  }

  /** Loads a thread and applies the read rule; 404 for anything this viewer may not see. */
  async loadReadable(viewer: Viewer, id: string, em: EntityManager | DataSource = this.dataSource, lock = false): Promise<ThreadRow> {
    if (typeof id !== 'string' || !UUID_RE.test(id)) throw notFound('That story');
    const rows: ThreadRow[] = await run(em, lock ? THREAD_READ_FOR_UPDATE : THREAD_READ, [id, viewer.id, isStaff(viewer)]);
    const row = rows[0];
    if (!row?.readable) throw notFound('That story');
    return row;
  }

  /** The story (one statement with its reactions); with `include: 'replies'` also its first page of replies. */
  async get(viewer: Viewer, id: string): Promise<ThreadView>;
  async get(viewer: Viewer, id: string, q: GetThreadQuery): Promise<ThreadView | StoryPageView<unknown>>;
  async get(viewer: Viewer, id: string, q: GetThreadQuery = {}): Promise<ThreadView | StoryPageView<unknown>> {
    if (typeof id !== 'string' || !UUID_RE.test(id)) throw notFound('That story');
    const limit = q.limit ?? 50;
    const include = q.include === 'replies' ? this.repliesPart() : null;
    const rows: ViewRow[] = await run(this.dataSource, include ? this.storyPageStatement(include, limit + 1) : this.threadView(), [viewer.id, id, isStaff(viewer)]);
    const row = rows[0];
    if (!row?.readable) throw notFound('That story');
    const view = await this.view(viewer, row, { reactions: row.reaction_rows ?? [], withParts: true });
    return include ? { ...view, replies: include.page(viewer, row.replies ?? [], limit) } : view;
  }

  onModuleInit(): void {
    this.safety.addPublishedCount(`SELECT count(*) FROM threads t WHERE t.author_id = $1 AND ${isPublished('t')}`);
  }

  // built once every module has added its view part (onModuleInit), so the EXPLAIN test finds it declared
  onApplicationBootstrap(): void {
    this.threadView();
  }

  private threadView(): Prepared {
    this.threadViewStatement ??= prepared('thread.view', threadView(this.viewParts.map((p) => p.columns)));
    return this.threadViewStatement;
  }

  /** Called once at start by the replies module (see StoryPageReplies). */
  provideStoryPageReplies(part: StoryPageReplies): void {
    this.storyPageReplies = part;
  }

  private repliesPart(): StoryPageReplies {
    if (!this.storyPageReplies) throw new Error('include=replies asked before the replies module started');
    return this.storyPageReplies;
  }

  /** One prepared statement per page size the replies module reads (a smaller limit is cut in code, as for the page). */
  private storyPageStatement(part: StoryPageReplies, wanted: number): Prepared {
    const rows = part.sizes.find((n) => n >= wanted);
    if (rows === undefined) throw new Error(`story page of ${wanted} replies`);
    let statement = this.storyPageStatements.get(rows);
    if (!statement) {
      statement = prepared(`thread.page_${rows}`, threadView(this.viewParts.map((p) => p.columns), part.column(rows)));
      this.storyPageStatements.set(rows, statement);
    }
    return statement;
  }

  /**
   * The member view of a thread, with its reactions and the view parts (read here unless the caller's statement
   * brought them: `reactions`, `withParts`).
   */
  async view(viewer: Viewer, row: ThreadRow, opts: { sections?: boolean; reactions?: ReactionRow[]; withParts?: boolean } = {}): Promise<ThreadView> {
    const rs: ReactionRow[] = opts.reactions ?? (await run(this.dataSource, THREAD_REACTIONS, [row.id, viewer.id]));
    const counts = reactionCounts(Object.fromEntries(rs.map((r) => [r.kind, r.n])));
    const mine = REACTION_KINDS.filter((k) => rs.some((r) => r.kind === k && r.mine));
    const view = toThreadView(row, viewer, this.secrets.appSecret, counts, mine, opts);
    for (const part of this.viewParts) Object.assign(view, opts.withParts ? part.fromRow(row, viewer) : await part.read(row, viewer));
    return view;
  }

  addViewPart(part: ThreadViewPart): void {
    // the story's statements are built with the parts known then; a later part would be missing from them
    if (this.threadViewStatement || this.storyPageStatements.size) throw new Error('addViewPart after the story statements were built');
    this.viewParts.push(part);
  }

  async list(viewer: Viewer, q: ListThreadsQuery): Promise<Page<ThreadListItemView>> {
    if (q.filter === 'unanswered') return this.listUnanswered(viewer, q);
    const limit = q.limit ?? 20;
    const secret = this.secrets.appSecret;
    const category = q.category ? this.categories.require(q.category) : null;
    const cursor = decodeCursor(secret, q.cursor, isListCursor);
    const params: unknown[] = [viewer.id];
    const where: string[] = [VISIBLE];
    if (category) {
      params.push(category);
      where.push(`t.category = $${params.length}`);
    }
    const text = q.q?.trim();
    if (text) {
      if (cursor && !('r' in cursor)) throw new DomainError('INVALID_CURSOR', 'That cursor belongs to another list. Start again from the first page.');
      params.push(text);
      const tsq = `websearch_to_tsquery('english', $${params.length})`;
      if (cursor && 'r' in cursor) {
        params.push(cursor.r, cursor.id);
        where.push(`(ts_rank(t.search, ${tsq}) < $${params.length - 1}::real OR (ts_rank(t.search, ${tsq}) = $${params.length - 1}::real AND t.id > $${params.length}))`);
      }
      params.push(limit + 1);
      // rank and page first, then build highlighted excerpts for just that page
      const rows: (ThreadListRow & { rank: number })[] = await this.dataSource.query(
        `SELECT p.*, ts_headline('english', p.title || '. ' || p.body, ${tsq},
                'StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "') AS headline
           FROM (SELECT ${LIST_COLUMNS}, t.happened_md || ' ' || t.handled_md || ' ' || t.learned_md AS body, ts_rank(t.search, ${tsq}) AS rank
                   FROM threads t JOIN users u ON u.id = t.author_id
                  WHERE t.search @@ ${tsq} AND ${where.join(' AND ')}
                  ORDER BY rank DESC, t.id ASC
                  LIMIT $${params.length}) p
          ORDER BY p.rank DESC, p.id ASC`,
        params,
      );
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => toThreadListItem(r, secret)),
        nextCursor: rows.length > limit && last ? encodeCursor(secret, { r: last.rank, id: last.id }) : null,
      };
    }
    if (cursor) {
      if ('r' in cursor) throw new DomainError('INVALID_CURSOR', 'That cursor belongs to another list. Start again from the first page.');
      params.push(cursor.p, cursor.t, cursor.id);
      where.push(`(t.pinned, t.last_activity_at, t.id) < ($${params.length - 2}::boolean, $${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    // the front page and its next pages run often: prepared, at a few fixed sizes (a smaller limit is cut here)
    const size = LIST_ROWS.find((n) => n >= limit + 1) ?? limit + 1;
    const statement = prepared(
      `threads.list_${category ? 'category' : 'all'}${cursor ? '_after' : ''}_${size}`,
      `SELECT ${LIST_COLUMNS}
         FROM threads t JOIN users u ON u.id = t.author_id
        WHERE ${where.join(' AND ')}
        ORDER BY t.pinned DESC, t.last_activity_at DESC, t.id DESC
        LIMIT ${size}`,
    );
    const rows: (ThreadListRow & { activity_key: string })[] = (await run<(ThreadListRow & { activity_key: string })[]>(this.dataSource, statement, params)).slice(0, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => toThreadListItem(r, secret)),
      nextCursor: rows.length > limit && last ? encodeCursor(secret, { p: last.pinned, t: last.activity_key, id: last.id }) : null,
    };
  }

  /**
   * "Waiting for a first reply": listed stories that no one but their author has answered (a held, hidden or deleted
   * reply does not count, as members cannot read it), oldest first, from the partial index on `answered`.
   */
  private async listUnanswered(viewer: Viewer, q: ListThreadsQuery): Promise<Page<ThreadListItemView>> {
    if (q.q?.trim()) throw new DomainError('VALIDATION_FAILED', 'The waiting list cannot be searched.', { errors: [{ field: 'q', message: 'q cannot be combined with filter=unanswered' }] });
    const limit = q.limit ?? 20;
    const secret = this.secrets.appSecret;
    const category = q.category ? this.categories.require(q.category) : null;
    const cursor = decodeCursor(secret, q.cursor, isWaitingCursor);
    const params: unknown[] = [viewer.id];
    const where: string[] = [VISIBLE, 'NOT t.answered'];
    if (category) {
      params.push(category);
      where.push(`t.category = $${params.length}`);
    }
    if (cursor) {
      params.push(cursor.w, cursor.id);
      where.push(`(t.created_at, t.id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const size = LIST_ROWS.find((n) => n >= limit + 1) ?? limit + 1;
    const statement = prepared(
      `threads.unanswered${category ? '_category' : ''}${cursor ? '_after' : ''}_${size}`,
      `SELECT ${LIST_COLUMNS}, t.created_at::text AS created_key
         FROM threads t JOIN users u ON u.id = t.author_id
        WHERE ${where.join(' AND ')}
        ORDER BY t.created_at, t.id
        LIMIT ${size}`,
    );
    const rows = (await run<(ThreadListRow & { created_key: string })[]>(this.dataSource, statement, params)).slice(0, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => toThreadListItem(r, secret)),
      nextCursor: rows.length > limit && last ? encodeCursor(secret, { w: last.created_key, id: last.id }) : null,
    };
  }

  /** A member's named (never anonymous) stories, newest first, for their profile. */
  async listByAuthor(viewer: Viewer, authorId: string, cursorText: string | undefined, limit = 20): Promise<Page<ThreadListItemView>> {
    const secret = this.secrets.appSecret;
    const cursor = decodeCursor(secret, cursorText, isProfileCursor);
    const params: unknown[] = [viewer.id, authorId];
    const where = [VISIBLE, 't.author_id = $2', 't.anonymous = false'];
    if (cursor) {
      params.push(cursor.t, cursor.id);
      where.push(`(t.created_at, t.id) < ($3::timestamptz, $4::uuid)`);
    }
    params.push(limit + 1);
    const rows: (ThreadListRow & { created_key: string })[] = await this.dataSource.query(
      `SELECT ${LIST_COLUMNS}, t.created_at::text AS created_key
         FROM threads t JOIN users u ON u.id = t.author_id
        WHERE ${where.join(' AND ')}
        ORDER BY t.created_at DESC, t.id DESC
        LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => toThreadListItem(r, secret)),
      nextCursor: rows.length > limit && last ? encodeCursor(secret, { t: last.created_key, id: last.id }) : null,
    };
  }

  async update(viewer: Viewer, id: string, dto: UpdateThreadDto): Promise<ThreadView> {
    assertCanWrite(viewer);
    // changing only the reply mode is not an edit of the story: no revision, no "edited", nothing screened again
    if (dto.replyMode !== undefined && EDITABLE.every((k) => dto[k] === undefined)) return this.setReplyMode(viewer, id, dto.replyMode);
    const category = dto.category !== undefined ? this.categories.require(dto.category) : undefined;
    let sections = false;
    let verdict: Verdict | null = null;
    const judge = await this.safety.judge();
    const flags = await this.dataSource.transaction(async (em) => {
      const t = await this.loadReadable(viewer, id, em, true);
      if (t.author_id !== viewer.id) throw forbidden('Only the author can edit this story.');
      if (t.deleted_at) throw notFound('That story');
      // the revision keeps what the story said before this edit
      await this.revisions.keep(em, 'thread', t.id, viewer.id, {
        title: t.title,
        category: t.category,
        happened: t.happened_md,
        handled: t.handled_md,
        learned: t.learned_md,
        contentWarning: t.content_warning,
      });
      const next = {
        title: dto.title?.trim() ?? t.title,
        category: category ?? t.category,
        happened: dto.happened ?? t.happened_md,
        handled: dto.handled ?? t.handled_md,
        learned: dto.learned ?? t.learned_md,
        contentWarning: dto.contentWarning === undefined ? t.content_warning : dto.contentWarning?.trim() || null,
      };
      sections = next.happened !== t.happened_md || next.handled !== t.handled_md || next.learned !== t.learned_md;
      // an edit is screened like a new post, so it cannot smuggle in what posting would have refused or held
      verdict = judge([next.title, next.happened, next.handled, next.learned], { needsReview: false, author: viewer, warning: next.contentWarning, wasCrisis: t.crisis });
      if (verdict.status === 'pending') await em.query(`UPDATE threads SET status = 'pending' WHERE id = $1`, [t.id]);
      // a crisis story keeps a content warning: the author may change it, not leave it empty
      if (verdict.crisis && !next.contentWarning) next.contentWarning = verdict.crisisLabel ?? null;
      if (verdict.crisis !== t.crisis) await em.query(`UPDATE threads SET crisis = $2 WHERE id = $1`, [t.id, verdict.crisis]);
      if (dto.replyMode !== undefined && dto.replyMode !== t.reply_mode) await em.query(`UPDATE threads SET reply_mode = $2 WHERE id = $1`, [t.id, dto.replyMode]);
      await em.query(
        `UPDATE threads SET title = $2, category = $3, happened_md = $4, happened_html = $5, handled_md = $6, handled_html = $7,
                learned_md = $8, learned_html = $9, excerpt = $10, content_warning = $11, edited_at = now(), updated_at = now()
          WHERE id = $1`,
        [
          t.id,
          next.title,
          next.category,
          next.happened,
          next.happened === t.happened_md ? t.happened_html : renderMarkdown(next.happened),
          next.handled,
          next.handled === t.handled_md ? t.handled_html : renderMarkdown(next.handled),
          next.learned,
          next.learned === t.learned_md ? t.learned_html : renderMarkdown(next.learned),
          excerptFromMarkdown(next.happened, 220),
          next.contentWarning,
        ],
      );
      return this.addFlags(em, verdict, 'thread', t.id, t.id);
    });
    this.emit('thread.updated', { threadId: id, sections });
    this.outbox.deliver(flags);
    const view = await this.get(viewer, id);
    const v = verdict as Verdict | null;
    return v?.safety ? ({ ...view, safety: v.safety } as ThreadView) : view;
  }

  /** The author's "Just listening" or "Advice welcome"; readers of the story see the change live. */
  async setReplyMode(viewer: Viewer, id: string, mode: ReplyMode): Promise<ThreadView> {
    assertCanWrite(viewer);
    const changed = await this.dataSource.transaction(async (em) => {
      const t = await this.loadReadable(viewer, id, em, true);
      if (t.author_id !== viewer.id) throw forbidden('Only the author can choose how people reply to this story.');
      if (t.deleted_at) throw notFound('That story');
      if (t.reply_mode === mode) return false;
      await em.query(`UPDATE threads SET reply_mode = $2, updated_at = now() WHERE id = $1`, [t.id, mode]);
      return true;
    });
    if (changed) this.emit('thread.updated', { threadId: id, sections: false });
    return this.get(viewer, id);
  }

  async remove(viewer: Viewer, id: string): Promise<void> {
    assertCanWrite(viewer);
    const withdrawn = await this.dataSource.transaction(async (em) => {
      const t = await this.loadReadable(viewer, id, em, true);
      if (t.author_id !== viewer.id) throw forbidden('Only the author can delete this story.');
      if (t.deleted_at) throw notFound('That story');
      await em.query(`UPDATE threads SET deleted_at = now(), updated_at = now() WHERE id = $1`, [t.id]);
      // nobody is sent to a story its author took back: what others' words in it caused goes with it
      return this.notifications.withdrawForStory(em, t.id);
    });
    this.notifications.announceRemoved(withdrawn);
    this.emit('thread.updated', { threadId: id, sections: false });
  }

  /** The author may pause new replies on their story (and resume them). */
  async setPaused(viewer: Viewer, id: string, paused: boolean): Promise<ThreadView> {
    assertCanWrite(viewer);
    await this.dataSource.transaction(async (em) => {
      const t = await this.loadReadable(viewer, id, em, true);
      if (t.author_id !== viewer.id && !isStaff(viewer)) throw forbidden('Only the author can pause replies on this story.');
      await em.query(`UPDATE threads SET paused = $2, updated_at = now() WHERE id = $1`, [t.id, paused]);
    });
    this.emit('thread.updated', { threadId: id, sections: false });
    return this.get(viewer, id);
  }

  get reviewFirstPosts(): number {
    return this.config.reviewFirstPosts;
  }
}
