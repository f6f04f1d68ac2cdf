import type { DataSource } from 'typeorm';
import { REPLY_ID_RE, UUID_RE } from '../access/policy.js';
import { encodeCursor } from '../common/cursor.js';
import type { Page, QueueItemView } from '../contract/views.js';
import { authorOf } from '../stories/thread.views.js';

/** created_at to the microsecond, in UTC (a JavaScript Date keeps only milliseconds, too coarse for a keyset). */
const CREATED_KEY = (alias: string): string => `to_char(${alias}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const CREATED_KEY_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * The last item of a page of the queue in risk order: whether it is crisis, its open reports, its created_at key,
 * its type and id. `r: 1` tells it from a cursor of the age order, so a moderator paging through keeps the order the
 * first page had, even if safety mode changes meanwhile.
 */
export interface RiskCursor {
  r: 1;
  c: boolean;
  n: number;
  t: string;
  k: 'thread' | 'reply';
  id: string;
}

export const isRiskCursor = (v: unknown): v is RiskCursor => {
  const c = v as Record<string, unknown>;
  if (!c || typeof c !== 'object' || c.r !== 1 || typeof c.c !== 'boolean') return false;
  if (typeof c.n !== 'number' || !Number.isInteger(c.n) || c.n < 0 || c.n > 1_000_000) return false;
  if (typeof c.t !== 'string' || !CREATED_KEY_RE.test(c.t) || Number.isNaN(Date.parse(`${c.t.slice(0, 23)}Z`))) return false;
  if (typeof c.id !== 'string') return false;
  return c.k === 'thread' ? UUID_RE.test(c.id) : c.k === 'reply' && REPLY_ID_RE.test(c.id);
};

/** A post waiting for review, as both orders of the queue read it. */
export interface QueueRow {
  type: 'thread' | 'reply';
  id: string;
  thread_id: string;
  title: string;
  body_html: string;
  author_id: string;
  username: string;
  author_gone: boolean;
  anonymous: boolean;
  created_at: Date;
  /** created_at to the microsecond, for the keyset */
  created_key: string;
}

/** A queue row as moderators see it: the post as members will see it (revealing an anonymous author is a separate, logged act). */
export const toQueueItem = (r: QueueRow, secret: string): QueueItemView => ({
  id: r.id,
  type: r.type,
  threadId: r.thread_id,
  title: r.title,
  bodyHtml: r.body_html,
  author: authorOf(secret, r.thread_id, r.author_id, r.username, r.anonymous, false, r.author_gone),
  anonymous: r.anonymous,
  createdAt: r.created_at.toISOString(),
});

interface RiskRow extends QueueRow {
  crisis: boolean;
  reports: number;
}

const OPEN_REPORTS = (type: 'thread' | 'reply', id: string): string =>
  `(SELECT count(*)::int FROM reports rp WHERE rp.target_type = '${type}' AND rp.target_id = ${id}::text AND rp.status = 'open')`;

/**
 * The review queue ordered by risk, for safety mode: crisis posts first, then the most open reports, then the
 * oldest; ties by type (a reply before a story) and id. The keyset is that whole key, so a page starts exactly
 * after the last item of the one before. (The key of a post whose report count changes between two pages moves,
 * as any keyset on a changing value does: it is seen twice or once the next time round, never lost from the queue.)
 */
export async function riskQueue(db: DataSource, secret: string, limit: number, cursor: RiskCursor | null): Promise<Page<QueueItemView & { crisis: boolean; openReports: number }>> {
  const params: unknown[] = [limit + 1];
  let after = '';
  if (cursor) {
    params.push(!cursor.c, -cursor.n, cursor.t, cursor.k, cursor.id);
    const key = '(NOT q.crisis, -q.reports, q.created_at, q.type)';
    const at = '($2::boolean, $3::int, $4::timestamptz, $5::text)';
    const tie = cursor.k === 'reply' ? 'q.reply_key > $6::bigint' : 'q.thread_key > $6::uuid';
    after = `WHERE ${key} > ${at} OR (${key} = ${at} AND ${tie})`;
  }
  const rows: RiskRow[] = await db.query(
    `SELECT q.* FROM (
       SELECT 'thread'::text AS type, t.id::text AS id, NULL::bigint AS reply_key, t.id AS thread_key, t.id AS thread_id, t.title, t.happened_html AS body_html,
              t.author_id, u.username, u.deleted_at IS NOT NULL AS author_gone, t.anonymous, t.created_at, ${CREATED_KEY('t')} AS created_key,
              t.crisis, ${OPEN_REPORTS('thread', 't.id')} AS reports
         FROM threads t JOIN users u ON u.id = t.author_id
        WHERE t.status = 'pending' AND t.deleted_at IS NULL
       UNION ALL
       SELECT 'reply', r.id::text, r.id, NULL::uuid, r.thread_id, t.title, r.body_html,
              r.author_id, u.username, u.deleted_at IS NOT NULL, r.anonymous, r.created_at, ${CREATED_KEY('r')},
              r.crisis, ${OPEN_REPORTS('reply', 'r.id')}
         FROM replies r JOIN users u ON u.id = r.author_id JOIN threads t ON t.id = r.thread_id
        WHERE r.status = 'pending' AND r.deleted_at IS NULL
     ) q
     ${after}
     ORDER BY NOT q.crisis, -q.reports, q.created_at, q.type, q.reply_key, q.thread_key
     LIMIT $1`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ ...toQueueItem(r, secret), crisis: r.crisis, openReports: r.reports })),
    nextCursor:
      rows.length > limit && last ? encodeCursor(secret, { r: 1, c: last.crisis, n: last.reports, t: last.created_key, k: last.type, id: last.id } satisfies RiskCursor) : null,
  };
}
