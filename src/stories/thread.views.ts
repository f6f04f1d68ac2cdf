import type { Viewer } from '../access/viewer.js';
import { isStaff } from '../access/viewer.js';
import type { AuthorView, ReactionCounts, ReactionKind, ReplyMode, ThreadListItemView, ThreadView } from '../contract/views.js';
import { FORMER_MEMBER, pseudonym } from '../common/pseudonym.js';
import { storyGone, storyPublic } from '../access/read-rule.js';

export const THREAD_COLUMNS = `
  t.id, t.author_id, u.username AS author_username, u.deleted_at IS NOT NULL AS author_gone, t.anonymous, t.category, t.title,
  t.happened_md, t.happened_html, t.handled_md, t.handled_html, t.learned_md, t.learned_html,
  t.excerpt, t.content_warning, t.status, t.locked, t.pinned, t.hidden, t.paused, t.slow_mode_seconds, t.reply_mode,
  t.reply_count, t.created_at, t.edited_at, t.last_activity_at, t.deleted_at, t.crisis, ${storyPublic('t')} AS public, ${storyGone('t')} AS gone`;

export interface ThreadRow {
  id: string;
  author_id: string;
  author_username: string;
  author_gone?: boolean;
  anonymous: boolean;
  category: string;
  title: string;
  happened_md: string;
  happened_html: string;
  handled_md: string;
  handled_html: string;
  learned_md: string;
  learned_html: string;
  excerpt: string;
  content_warning: string | null;
  status: 'published' | 'pending' | 'rejected';
  locked: boolean;
  pinned: boolean;
  hidden: boolean;
  paused: boolean;
  slow_mode_seconds: number;
  reply_mode: ReplyMode;
  reply_count: number;
  created_at: Date;
  edited_at: Date | null;
  last_activity_at: Date;
  deleted_at: Date | null;
  /** matched a crisis phrase: shown to its author and staff only */
  crisis: boolean;
  /** the read rule's verdicts (src/access/read-rule.ts): every member may see it / it is hidden or deleted */
  public: boolean;
  gone: boolean;
  /** the read rule's verdict for the viewer the row was read for, when read for someone */
  readable?: boolean;
}

export const REACTION_KINDS: ReactionKind[] = ['relate', 'thanks', 'helped'];

export function reactionCounts(raw: Record<string, number> | null | undefined): ReactionCounts {
  return { relate: Number(raw?.relate ?? 0), thanks: Number(raw?.thanks ?? 0), helped: Number(raw?.helped ?? 0) };
}

/**
 * A named author, or for an anonymous post only its pseudonym within this thread: never the account.
 * An anonymous post keeps its pseudonym after its author leaves: were it to change then, together with
 * their named posts, a before/after comparison would tie every anonymous post to the name and to each other.
 */
export function authorOf(secret: string, threadId: string, authorId: string, username: string, anonymous: boolean, isThreadAuthor = false, gone = false): AuthorView {
  if (anonymous) {
    const name = pseudonym(secret, threadId, authorId);
    return isThreadAuthor ? { pseudonym: name, isAuthor: true } : { pseudonym: name };
  }
  // a member who left is shown as a former member, never by the name they had
  if (gone) return { pseudonym: FORMER_MEMBER };
  return { id: authorId, username };
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toThreadView(
  r: ThreadRow,
  viewer: Viewer,
  secret: string,
  reactions: ReactionCounts,
  myReactions: ReactionKind[],
  opts: { sections?: boolean } = {},
): ThreadView {
  const mine = r.author_id === viewer.id;
  const sections = opts.sections ?? true;
  const view: ThreadView & { mine?: boolean } = {
    id: r.id,
    title: r.title,
    category: r.category,
    author: authorOf(secret, r.id, r.author_id, r.author_username, r.anonymous, true, r.author_gone),
    anonymous: r.anonymous,
    happenedHtml: sections ? r.happened_html : (undefined as unknown as string),
    handledHtml: sections ? r.handled_html : (undefined as unknown as string),
    learnedHtml: sections ? r.learned_html : (undefined as unknown as string),
    contentWarning: r.content_warning,
    locked: r.locked,
    pinned: r.pinned,
    hidden: r.hidden,
    paused: r.paused,
    slowModeSeconds: r.slow_mode_seconds,
    replyMode: r.reply_mode,
    replyCount: r.reply_count,
    reactions,
    myReactions,
    status: r.status,
    createdAt: r.created_at.toISOString(),
    editedAt: iso(r.edited_at),
    lastActivityAt: r.last_activity_at.toISOString(),
  };
  if (!sections) {
    delete (view as Partial<ThreadView>).happenedHtml;
    delete (view as Partial<ThreadView>).handledHtml;
    delete (view as Partial<ThreadView>).learnedHtml;
  }
  if (mine) {
    view.mine = true;
    if (sections) {
      view.happened = r.happened_md;
      view.handled = r.handled_md;
      view.learned = r.learned_md;
    }
  }
  view.deleted = r.deleted_at !== null && (mine || isStaff(viewer));
  // whether it matched a crisis phrase is for its author and staff only
  if (mine || isStaff(viewer)) view.crisis = r.crisis === true;
  return view;
}

export interface ThreadListRow {
  id: string;
  author_id: string;
  author_username: string;
  author_gone?: boolean;
  anonymous: boolean;
  category: string;
  title: string;
  excerpt: string;
  headline?: string | null;
  content_warning: string | null;
  pinned: boolean;
  locked: boolean;
  reply_count: number;
  reactions: Record<string, number> | null;
  created_at: Date;
  last_activity_at: Date;
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';

export function toThreadListItem(r: ThreadListRow, secret: string): ThreadListItemView & { excerptHtml?: string } {
  const item: ThreadListItemView & { excerptHtml?: string } = {
    id: r.id,
    title: r.title,
    category: r.category,
    excerpt: r.excerpt,
    author: authorOf(secret, r.id, r.author_id, r.author_username, r.anonymous, true, r.author_gone),
    anonymous: r.anonymous,
    contentWarning: r.content_warning,
    pinned: r.pinned,
    locked: r.locked,
    replyCount: r.reply_count,
    reactions: reactionCounts(r.reactions),
    createdAt: r.created_at.toISOString(),
    lastActivityAt: r.last_activity_at.toISOString(),
  };
  if (r.headline) {
    // the highlight markers are private-use characters: escape everything, then turn only them into <mark>
    item.excerpt = r.headline.replaceAll(MARK_START, '').replaceAll(MARK_END, '');
    item.excerptHtml = escapeHtml(r.headline).replaceAll(MARK_START, '<mark>').replaceAll(MARK_END, '</mark>');
  }
  return item;
}
