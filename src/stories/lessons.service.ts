import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Viewer } from '../access/viewer.js';
import { UUID_RE } from '../access/policy.js';
import { storyListed } from '../access/read-rule.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { DomainError } from '../common/errors.js';
import type { LessonView, Page } from '../contract/views.js';
import { SecretsService } from '../database/secrets.service.js';
import { CategoriesService } from './categories.service.js';
import type { LessonSort, ListLessonsQuery } from './discovery.dto.js';
import { authorOf } from './thread.views.js';

/** A story with a "what I learned" part (the lessons indexes carry the same condition). */
export const HAS_LESSON = (t: string): string => `${t}.learned_html <> ''`;

type LessonCursor = { s: 'helped'; h: number; id: string } | { s: 'recent'; c: string; id: string } | { s: 'relevant'; r: number; id: string };
const isLessonCursor = (v: unknown): v is LessonCursor => {
  const c = v as Record<string, unknown>;
  if (!c || typeof c !== 'object' || typeof c.id !== 'string' || !UUID_RE.test(c.id)) return false;
  if (c.s === 'helped') return typeof c.h === 'number' && Number.isInteger(c.h);
  if (c.s === 'recent') return typeof c.c === 'string' && !Number.isNaN(Date.parse(c.c));
  if (c.s === 'relevant') return typeof c.r === 'number' && Number.isFinite(c.r);
  return false;
};

interface LessonRow {
  id: string;
  author_id: string;
  author_username: string;
  author_gone: boolean;
  anonymous: boolean;
  category: string;
  title: string;
  learned_html: string;
  content_warning: string | null;
  helped_count: number;
  created_at: Date;
  created_key: string;
  rank?: number;
}

/**
 * The lessons index: the "what I learned" part of every story the viewer's lists show (the read rule's
 * `storyListed`), searched with the stories' full-text search over that part (weight A) and the title (B),
 * sorted by how much it helped (an index on `helped_count`), by recency, or by relevance when searching.
 */
@Injectable()
export class LessonsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretsService,
    private readonly categories: CategoriesService,
  ) {}

  async list(viewer: Viewer, q: ListLessonsQuery): Promise<Page<LessonView>> {
    const limit = q.limit ?? 20;
    const secret = this.secrets.appSecret;
    const text = q.q?.trim() || null;
    const sort: LessonSort = q.sort ?? (text ? 'relevant' : 'helped');
    if (sort === 'relevant' && !text) {
      throw new DomainError('VALIDATION_FAILED', 'Sorting by relevance needs words to search for.', { errors: [{ field: 'sort', message: 'sort=relevant needs q' }] });
    }
    const category = q.category ? this.categories.require(q.category) : null;
    const cursor = decodeCursor(secret, q.cursor, isLessonCursor);
    if (cursor && cursor.s !== sort) throw new DomainError('INVALID_CURSOR', 'That cursor belongs to another order. Start again from the first page.');

    const params: unknown[] = [viewer.id];
    const p = (v: unknown): string => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = [storyListed('t', '$1'), HAS_LESSON('t')];
    if (category) where.push(`t.category = ${p(category)}`);
    let rank = 'NULL::real';
    if (text) {
      const tsq = `websearch_to_tsquery('english', ${p(text)})`;
      where.push(`t.lesson_search @@ ${tsq}`);
      // A (the lesson) counts more than B (the title); ts_rank's default weights are {0.1, 0.2, 0.4, 1.0} for D..A
      rank = `ts_rank(t.lesson_search, ${tsq})`;
    }
    let order: string;
    if (sort === 'helped') {
      if (cursor?.s === 'helped') where.push(`(t.helped_count, t.id) < (${p(cursor.h)}::int, ${p(cursor.id)}::uuid)`);
      order = 't.helped_count DESC, t.id DESC';
    } else if (sort === 'recent') {
      if (cursor?.s === 'recent') where.push(`(t.created_at, t.id) < (${p(cursor.c)}::timestamptz, ${p(cursor.id)}::uuid)`);
      order = 't.created_at DESC, t.id DESC';
    } else {
      if (cursor?.s === 'relevant') {
        const [r, id] = [p(cursor.r), p(cursor.id)];
        where.push(`(${rank} < ${r}::real OR (${rank} = ${r}::real AND t.id > ${id}::uuid))`);
      }
      order = 'rank DESC, t.id ASC';
    }
    const rows: LessonRow[] = await this.dataSource.query(
      `SELECT t.id, t.author_id, u.username AS author_username, u.deleted_at IS NOT NULL AS author_gone, t.anonymous, t.category,
              t.title, t.learned_html, t.content_warning, t.helped_count, t.created_at, t.created_at::text AS created_key, ${rank} AS rank
         FROM threads t JOIN users u ON u.id = t.author_id
        WHERE ${where.join(' AND ')}
        ORDER BY ${order}
        LIMIT ${p(limit + 1)}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const key = (r: LessonRow): LessonCursor =>
      sort === 'helped' ? { s: 'helped', h: r.helped_count, id: r.id } : sort === 'recent' ? { s: 'recent', c: r.created_key, id: r.id } : { s: 'relevant', r: Number(r.rank), id: r.id };
    return {
      items: page.map((r) => toLessonView(r, secret)),
      nextCursor: rows.length > limit && last ? encodeCursor(secret, key(last)) : null,
    };
  }
}

function toLessonView(r: LessonRow, secret: string): LessonView {
  return {
    threadId: r.id,
    title: r.title,
    category: r.category,
    // an anonymous story shows only its pseudonym, the same one it has everywhere else
    author: authorOf(secret, r.id, r.author_id, r.author_username, r.anonymous, true, r.author_gone),
    learnedHtml: r.learned_html,
    helped: r.helped_count,
    contentWarning: r.content_warning,
    createdAt: r.created_at.toISOString(),
  };
}
