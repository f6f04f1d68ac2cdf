// One reply under a story, as the reader sees it: author, time, badges, the quote of the reply it answers, its
// words (or the "blocked" / "hidden pseudonym" fold), its reaction bar and its buttons. The buttons (reply, edit,
// delete, report, block, hide, the moderators' ones) do nothing themselves: they dispatch a ReplyActionEvent that
// the story screen answers (reply-actions.ts). The ordered list of them is reply-list.ts.
import type { DeletedReplyView, ReplyView } from '../../../../src/contract/views.js';
import { h, setServerHtml } from '../../dom.js';
import { notApprovedNoticeContent, waitingNotice } from '../waiting-notice.js';
import { timeEl } from '../../time.js';
import { authorEl, authorName } from '../author.js';
import { ReactionBar } from '../reactions.js';
import { quoteEl } from './reply-quote.js';

export type AnyReply = ReplyView | DeletedReplyView;

/**
 * A reply as this reader's REST view may carry it: `mine` and the markdown `body` for their own, and for
 * moderators the `hidden` / `removed` flags of what members no longer see.
 */
export type OwnableReply = ReplyView & { mine?: boolean; hidden?: boolean; removed?: boolean };

/** The mod-* actions and reveal are offered to moderators only (ReplyItemOptions.staff). */
export type ReplyAction =
  | 'reply-to'
  | 'edit'
  | 'delete'
  | 'report'
  | 'block'
  | 'hide-pseudonym'
  | 'show-pseudonym'
  | 'helped'
  | 'not-helped'
  | 'mod-hide'
  | 'mod-unhide'
  | 'mod-restore'
  | 'reveal';

/** The reader asked to act on a reply. */
export class ReplyActionEvent extends Event {
  static readonly type = 'reply-action';
  constructor(
    readonly action: ReplyAction,
    readonly replyId: string,
    readonly trigger: HTMLElement,
  ) {
    super(ReplyActionEvent.type, { bubbles: true });
  }
}

export function replyAnchor(id: string): string {
  return `reply-${id}`;
}

export interface ReplyItemOptions {
  currentUserId: string | null;
  /** Reactions are off when the thread is locked. */
  reactionsDisabled?: boolean;
  /** The reader is a moderator: show hidden/removed/pending badges and the moderation buttons. */
  staff?: boolean;
  /** The reader holds this reply as a placeholder (a blocked member's): a quote of it shows no words. */
  quoteHidden?: (id: string) => boolean;
  /** The reader hid this pseudonym in this story (anonymous posts cannot be blocked; this is what they can do). */
  pseudonymHidden?: (pseudonym: string) => boolean;
  /** The story's author marked this reply "this helped me most" (shown to everyone). */
  highlighted?: (id: string) => boolean;
  /** The reader wrote the story: they may mark replies that helped them most. */
  canHighlight?: boolean;
}

/** Whether the reader wrote this reply. */
export function isMine(view: AnyReply, currentUserId: string | null): boolean {
  if (view.deleted) return false;
  const v = view as OwnableReply;
  if (v.mine) return true;
  const a = v.author;
  return Boolean(currentUserId && a && 'username' in a && a.id === currentUserId);
}

/** The named author's username, when the reply is by a named member other than the reader. */
function blockableName(view: ReplyView, currentUserId: string | null): string | null {
  const a = view.author;
  if (!a || !('username' in a) || a.id === currentUserId) return null;
  return a.username;
}

function actionButton(action: ReplyAction, replyId: string, ...label: (string | Node)[]): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'button button-small button-quiet', 'data-action': action }, ...label);
  button.addEventListener('click', () => button.dispatchEvent(new ReplyActionEvent(action, replyId, button)));
  return button;
}

export function renderReply(view: AnyReply, options: ReplyItemOptions): { element: HTMLLIElement; bar: ReactionBar | null } {
  const anchor = replyAnchor(view.id);
  if (view.deleted) {
    return {
      element: h('li', { class: 'reply reply-deleted', id: anchor, 'data-reply-id': view.id }, h('p', { class: 'muted' }, 'This reply was deleted.')),
      bar: null,
    };
  }
  if (view.blocked && !view.bodyHtml) {
    // The server leaves out everything of a blocked member's reply.
    return {
      element: h(
        'li',
        { class: 'reply reply-deleted', id: anchor, 'data-reply-id': view.id },
        h('p', { class: 'muted' }, 'A reply from a member you blocked is hidden.'),
      ),
      bar: null,
    };
  }
  const mine = isMine(view, options.currentUserId);
  const name = authorName(view.author);
  const flags = view as OwnableReply;
  const staff = Boolean(options.staff);
  const body = h('div', { class: 'prose reply-body' });
  setServerHtml(body, view.bodyHtml ?? '');
  const bar = new ReactionBar(view.reactions, view.myReactions ?? [], `Reactions to the reply from ${name}`, options.reactionsDisabled);
  const headingId = `${anchor}-by`;
  const blockName = mine ? null : blockableName(view, options.currentUserId);
  const pseudonym = !mine && view.author && 'pseudonym' in view.author ? view.author.pseudonym : null;
  const pseudonymHidden = pseudonym !== null && Boolean(options.pseudonymHidden?.(pseudonym));
  const sr = (text: string) => h('span', { class: 'sr-only' }, text);
  const gone = flags.removed || flags.hidden;
  const highlighted = Boolean(options.highlighted?.(view.id));
  // the story's author marks up to three replies of others that helped them most (a toggle, pressed when marked)
  const helpedButton =
    options.canHighlight && !mine && !gone && view.status === 'published'
      ? actionButton(highlighted ? 'not-helped' : 'helped', view.id, 'This helped me most', sr(` (the reply from ${name})`))
      : null;
  helpedButton?.setAttribute('aria-pressed', String(highlighted));
  const actions = h(
    'div',
    { class: 'reply-actions', role: 'group', 'aria-label': `Actions for the reply from ${name}` },
    // answering a reply: the new reply quotes it (held and hidden ones cannot be answered)
    !gone && view.status === 'published' ? actionButton('reply-to', view.id, 'Reply', sr(` to ${name}`)) : null,
    helpedButton,
    mine && !gone
      ? [actionButton('edit', view.id, 'Edit', sr(' your reply')), actionButton('delete', view.id, 'Delete', sr(' your reply'))]
      : mine
        ? null
        : [
            actionButton('report', view.id, 'Report', sr(` the reply from ${name}`)),
            blockName && !view.blocked ? actionButton('block', view.id, `Block ${blockName}`) : null,
            pseudonym && !pseudonymHidden ? actionButton('hide-pseudonym', view.id, `Hide ${pseudonym}`, sr(' in this story')) : null,
          ],
    staff
      ? [
          flags.removed
            ? actionButton('mod-restore', view.id, 'Restore', sr(` the reply from ${name}`))
            : actionButton(flags.hidden ? 'mod-unhide' : 'mod-hide', view.id, flags.hidden ? 'Unhide' : 'Hide', sr(` the reply from ${name}`)),
          view.anonymous && !mine ? actionButton('reveal', view.id, 'Reveal author', sr(` of the reply from ${name}`)) : null,
        ]
      : null,
  );
  const named = view.author && 'username' in view.author ? view.author : null;
  const badge = (text: string) => h('span', { class: 'badge badge-pending' }, text);
  const article = h(
    'article',
    { class: `reply-card${gone ? ' is-hidden' : ''}${highlighted && !gone ? ' is-helpful' : ''}`, 'aria-labelledby': headingId },
    h(
      'header',
      { class: 'reply-meta' },
      h(
        'span',
        { id: headingId, class: 'reply-author' },
        sr('Reply from '),
        authorEl(view.author, options.currentUserId, { mine, markStoryAuthor: true }),
      ),
      staff && named && !mine ? modLink(named.id, named.username) : null,
      h('span', { class: 'meta-sep', 'aria-hidden': 'true' }, ' · '),
      timeEl(view.createdAt),
      view.editedAt ? h('span', { class: 'muted' }, ' · edited') : null,
      highlighted && !gone ? h('span', { class: 'badge badge-helped' }, 'Helped the author most') : null,
      view.status === 'pending' ? badge(mine ? 'Awaiting review — only you and the moderators can see this' : 'Awaiting review') : null,
      staff && flags.hidden ? badge('Hidden from members') : null,
      staff && flags.removed ? badge('Removed') : null,
    ),
    view.replyTo ? quoteEl(view.replyTo, replyAnchor(view.replyTo.id), options.quoteHidden?.(view.replyTo.id)) : null,
    view.blocked ? blockedNotice(body) : pseudonymHidden && pseudonym ? hiddenPseudonymNotice(body, view.id, pseudonym) : body,
    // the author's own reply that mentions crisis and waits for a moderator: why, and where help is meanwhile
    mine && view.status === 'pending' && view.crisis ? waitingNotice('reply', true) : null,
    mine && view.status === 'rejected' ? h('div', { class: 'notice', role: 'status' }, notApprovedNoticeContent('reply')) : null,
    bar.element,
    actions,
  );
  return { element: h('li', { class: 'reply', id: anchor, 'data-reply-id': view.id }, article), bar };
}

/** "Moderate": the moderators' page for a named member, beside their name (staff only). */
export function modLink(userId: string, username: string): HTMLElement {
  return h(
    'a',
    { class: 'mod-link', href: `/mod/users/${encodeURIComponent(userId)}` },
    'Moderate',
    h('span', { class: 'sr-only' }, ` ${username}`),
  );
}

/** A reply under a pseudonym the reader hid in this story: folded away, one click to read it or to show them again. */
function hiddenPseudonymNotice(body: HTMLElement, replyId: string, pseudonym: string): HTMLElement {
  body.hidden = true;
  const once = h('button', { type: 'button', class: 'button button-small button-quiet' }, 'Show this reply');
  const again = actionButton('show-pseudonym', replyId, `Show ${pseudonym} again`);
  const note = h('p', { class: 'muted' }, `You hid ${pseudonym} in this story. `, once, ' ', again);
  once.addEventListener('click', () => {
    body.hidden = false;
    note.remove();
  });
  return h('div', null, note, body);
}

function blockedNotice(body: HTMLElement): HTMLElement {
  body.hidden = true;
  const show = h('button', { type: 'button', class: 'button button-small button-quiet' }, 'Show anyway');
  const note = h('p', { class: 'muted' }, 'You blocked this member, so their reply is hidden. ', show);
  show.addEventListener('click', () => {
    body.hidden = false;
    note.remove();
  });
  return h('div', null, note, body);
}
