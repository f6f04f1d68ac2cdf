import type { Viewer } from '../access/viewer.js';
import { isStaff } from '../access/viewer.js';
import { excerptFromMarkdown } from '../common/markdown.js';
import type { DeletedReplyView, ReactionCounts, ReactionKind, ReplyQuoteView, ReplyView } from '../contract/views.js';
import { authorOf, reactionCounts, REACTION_KINDS } from '../stories/thread.views.js';
import { NOBODY_SQL, replyGone, replyListed, replyNamed, replyPublic } from '../access/read-rule.js';
import type { ReplyRow } from '../common/event-payloads.js';

// the row types live with the events that carry them (a lower floor than replies); re-exported for this module's readers
export type { QuoteRow, ReplyRow } from '../common/event-payloads.js';

/** The read rule's verdicts on a reply row `r` of story `t`, for nobody in particular (see src/access/read-rule.ts). */
export const REPLY_VERDICTS = `${replyPublic('r')} AS public, ${replyGone('r')} AS gone, NOT ${replyListed('r', NOBODY_SQL)} AS held, ${replyNamed('r', 't')} AS named`;

/**
 * The reply that reply id `id` names, as JSON for a quote (its author, the start of its text, the read rule's
 * verdicts), from a statement where `t` is the story; one index lookup, null for none.
 */
export const quoteOf = (id: string): string => `(SELECT json_build_object(
    'authorId', q.author_id, 'username', qu.username, 'authorGone', qu.deleted_at IS NOT NULL, 'anonymous', q.anonymous,
    'body', left(q.body_md, 400), 'public', ${replyPublic('q')}, 'named', ${replyNamed('q', 't')})
  FROM replies q JOIN users qu ON qu.id = q.author_id WHERE q.id = ${id})`;

// one aggregate over the reply's reactions (a GROUP BY kind sorted them first, on every reply of every page)
const REACTION_COUNTS = REACTION_KINDS.map((k) => `'${k}', count(*) FILTER (WHERE rr.kind = '${k}')`).join(', ');

/**
 * A reply `r` of story `t` by author `u`, for viewer $1: the markdown source only comes for the viewer's own replies
 * (the only ones whose view carries it), so a page does not ship every reply's text twice.
 */
export const REPLY_COLUMNS = `
  r.id::text AS id, r.thread_id, r.author_id, u.username AS author_username, u.deleted_at IS NOT NULL AS author_gone, r.anonymous,
  CASE WHEN r.author_id = $1 THEN r.body_md END AS body_md, r.body_html,
  r.status, r.hidden, r.crisis, r.created_at, r.edited_at, r.updated_at, r.deleted_at,
  t.author_id AS thread_author_id, t.anonymous AS thread_anonymous,
  (SELECT json_build_object(${REACTION_COUNTS}) FROM reply_reactions rr WHERE rr.reply_id = r.id) AS reactions,
  ${REPLY_VERDICTS}, r.reply_to::text AS reply_to, ${quoteOf('r.reply_to')} AS quote`;

const QUOTE_CHARS = 140;

/** The quote of the answered reply: empty when this audience may not see it (gone, held, or blocked by the viewer). */
function quoteView(r: ReplyRow, secret: string, audience: 'member' | 'staff'): ReplyQuoteView | null {
  if (!r.reply_to) return null; // also a row read without the column
  const q = r.quote;
  if (!q || (audience === 'member' && (!q.public || r.quote_blocked))) return { id: r.reply_to, author: null, excerpt: null };
  const storyAuthor = r.thread_anonymous && q.authorId === r.thread_author_id;
  return {
    id: r.reply_to,
    author: authorOf(secret, r.thread_id, q.authorId, q.username, q.anonymous || storyAuthor, storyAuthor, q.authorGone),
    excerpt: excerptFromMarkdown(q.body, QUOTE_CHARS),
  };
}

export type AnyReplyView = ReplyView | DeletedReplyView | (Omit<DeletedReplyView, 'deleted'> & { deleted: false; blocked: true });

/**
 * What one viewer may see of a reply. Members get a placeholder for deleted or hidden replies and for
 * replies by someone they blocked; moderators see the whole reply with its flags.
 */
export function toReplyView(r: ReplyRow, viewer: Viewer | null, secret: string, audience: 'member' | 'staff' = viewer && isStaff(viewer) ? 'staff' : 'member'): AnyReplyView {
  if (audience === 'member' && r.gone) return { id: r.id, threadId: r.thread_id, deleted: true };
  if (audience === 'member' && r.blocked) return { id: r.id, threadId: r.thread_id, deleted: false, blocked: true };
  const mine = viewer?.id === r.author_id;
  const my = (r.my_reactions ?? []) as ReactionKind[];
  const view: ReplyView & { mine?: boolean; hidden?: boolean; removed?: boolean } = {
    id: r.id,
    threadId: r.thread_id,
    replyTo: quoteView(r, secret, audience),
    author: authorOf(secret, r.thread_id, r.author_id, r.author_username, r.anonymous, r.thread_anonymous && r.author_id === r.thread_author_id, r.author_gone),
    anonymous: r.anonymous,
    bodyHtml: r.body_html,
    status: r.status,
    reactions: reactionCounts(r.reactions) as ReactionCounts,
    myReactions: REACTION_KINDS.filter((k) => my.includes(k)),
    createdAt: r.created_at.toISOString(),
    editedAt: r.edited_at ? r.edited_at.toISOString() : null,
    deleted: false,
  };
  if (mine) {
    view.mine = true;
    view.body = r.body_md ?? ''; // read with this viewer, so present
  }
  // whether it matched a crisis phrase is for its author and staff only
  if (mine || audience === 'staff') view.crisis = r.crisis === true;
  if (audience === 'staff') {
    view.hidden = r.hidden;
    if (r.deleted_at) view.removed = true;
  }
  return view;
}
