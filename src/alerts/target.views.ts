import { excerptFromMarkdown } from '../common/markdown.js';
import type { AuthorView } from '../contract/views.js';
import { replyNamed } from '../access/read-rule.js';
import { authorOf } from '../stories/thread.views.js';

/**
 * What a moderation target (a story, a reply or a member, by `target_type` and `target_id` text columns) is, for
 * staff screens: its story, title, text and author. One lateral join, used by alerts, grouped reports and the log.
 * The casts sit inside CASE so a reply id is never cast to uuid (nor a uuid to bigint), whatever the plan.
 * Staff see hidden and deleted content, so nothing here decides visibility.
 */
export const targetJoin = (alias: string, as = 'ti'): string => `
  LEFT JOIN LATERAL (
    SELECT t.id AS thread_id, t.title, t.excerpt AS text, false AS markdown, t.author_id, au.username AS author_username,
           au.deleted_at IS NOT NULL AS author_gone, NOT t.anonymous AS named
      FROM threads t JOIN users au ON au.id = t.author_id
     WHERE t.id = CASE WHEN ${alias}.target_type = 'thread' THEN ${alias}.target_id::uuid END
    UNION ALL
    SELECT t.id, t.title, r.body_md, true, r.author_id, au.username, au.deleted_at IS NOT NULL, ${replyNamed('r', 't')}
      FROM replies r JOIN threads t ON t.id = r.thread_id JOIN users au ON au.id = r.author_id
     WHERE r.id = CASE WHEN ${alias}.target_type = 'reply' THEN ${alias}.target_id::bigint END
    UNION ALL
    SELECT NULL::uuid, NULL, NULL, false, au.id, au.username, au.deleted_at IS NOT NULL, true
      FROM users au
     WHERE au.id = CASE WHEN ${alias}.target_type = 'user' THEN ${alias}.target_id::uuid END
  ) ${as} ON true`;

/** The columns `targetJoin` adds, as a select list. */
export const targetColumns = (as = 'ti'): string =>
  `${as}.thread_id AS ti_thread_id, ${as}.title AS ti_title, ${as}.text AS ti_text, ${as}.markdown AS ti_markdown, ${as}.author_id AS ti_author_id,
   ${as}.author_username AS ti_author_username, ${as}.author_gone AS ti_author_gone, ${as}.named AS ti_named`;

export interface TargetRow {
  ti_thread_id: string | null;
  ti_title: string | null;
  ti_text: string | null;
  ti_markdown: boolean | null;
  ti_author_id: string | null;
  ti_author_username: string | null;
  ti_author_gone: boolean | null;
  ti_named: boolean | null;
}

export const EXCERPT_CHARS = 220;

export interface TargetView {
  threadId: string | null;
  threadTitle: string | null;
  excerpt: string | null;
  /** the named author or member, or an anonymous post's pseudonym: never the account behind it */
  author: AuthorView | null;
}

export function toTargetView(secret: string, r: TargetRow): TargetView {
  const text = r.ti_text === null ? null : r.ti_markdown ? excerptFromMarkdown(r.ti_text, EXCERPT_CHARS) : r.ti_text;
  let author: AuthorView | null = null;
  if (r.ti_author_id && r.ti_author_username !== null) {
    author = r.ti_thread_id
      ? authorOf(secret, r.ti_thread_id, r.ti_author_id, r.ti_author_username, !r.ti_named, false, !!r.ti_author_gone)
      : r.ti_author_gone
        ? authorOf(secret, '', r.ti_author_id, r.ti_author_username, false, false, true)
        : { id: r.ti_author_id, username: r.ti_author_username };
  }
  return { threadId: r.ti_thread_id, threadTitle: r.ti_title, excerpt: text, author };
}
