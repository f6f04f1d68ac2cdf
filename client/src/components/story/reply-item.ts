// One reply, and ReplyList: the ordered, duplicate-free list of a thread's replies. Replies arrive
// from REST pages and live from the socket; both go through add(), which keeps id order (decimal ids
// compared as BigInt) and ignores an id it already holds. A reply's buttons (edit, delete, report, block)
// do nothing themselves: they dispatch a ReplyActionEvent that the story screen answers.
import type { DeletedReplyView, ReplyView } from '../../../src/contract/views.js';
import { h, setServerHtml } from '../dom.js';
import { waitingNotice } from './waiting-notice.js';
import { timeEl } from '../time.js';
import { authorEl, authorName } from './author.js';
import { ReactionBar } from './reactions.js';
import { quoteEl } from './reply-quote.js';

export type AnyReply = ReplyView | DeletedReplyView;

/**
 * A reply as this reader's REST view may carry it: `mine` and the markdown `body` for their own, and for
 * moderators the `hidden` / `removed` flags of what members no longer see.
 */
export type OwnableReply = ReplyView & { mine?: boolean; hidden?: boolean; removed?: boolean };

/** The mod-* actions and reveal are offered to moderators only (ReplyListOptions.staff). */
export type ReplyAction = 'reply-to' | 'edit' | 'delete' | 'report' | 'block' | 'hide-pseudonym' | 'show-pseudonym' | 'mod-hide' | 'mod-unhide' | 'mod-restore' | 'reveal';

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

function toBig(id: string): bigint | null {
  try {
    return /^\d+$/.test(id) ? BigInt(id) : null;
  } catch {
    return null;
  }
}

/** Orders reply ids numerically (they are decimal strings of increasing integers). */
export function compareReplyIds(a: string, b: string): number {
  const x = toBig(a);
  const y = toBig(b);
  if (x !== null && y !== null) return x < y ? -1 : x > y ? 1 : 0;
  // Not decimal (should not happen): fall back to a stable string order.
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

export function replyAnchor(id: string): string {
  return `reply-${id}`;
}

interface Entry {
  id: string;
  view: AnyReply;
  element: HTMLLIElement;
  bar: ReactionBar | null;
  /** An open panel (edit form, confirmation, report form) and whether it stands in for the body. */
  panel: HTMLElement | null;
  panelReplacesBody: boolean;
}

export interface ReplyListOptions {
  currentUserId: string | null;
  /** Reactions are off when the thread is locked. */
  reactionsDisabled?: boolean;
  /** The reader is a moderator: show hidden/removed/pending badges and the moderation buttons. */
  staff?: boolean;
  /** The reader holds this reply as a placeholder (a blocked member's): a quote of it shows no words. */
  quoteHidden?: (id: string) => boolean;
  /** The reader hid this pseudonym in this story (anonymous posts cannot be blocked; this is what they can do). */
  pseudonymHidden?: (pseudonym: string) => boolean;
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

export function renderReply(view: AnyReply, options: ReplyListOptions): { element: HTMLLIElement; bar: ReactionBar | null } {
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
  const actions = h(
    'div',
    { class: 'reply-actions', role: 'group', 'aria-label': `Actions for the reply from ${name}` },
    // answering a reply: the new reply quotes it (held and hidden ones cannot be answered)
    !gone && view.status === 'published' ? actionButton('reply-to', view.id, 'Reply', sr(` to ${name}`)) : null,
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
    { class: `reply-card${gone ? ' is-hidden' : ''}`, 'aria-labelledby': headingId },
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
      view.status === 'pending' ? badge(mine ? 'Awaiting review — only you and the moderators can see this' : 'Awaiting review') : null,
      staff && flags.hidden ? badge('Hidden from members') : null,
      staff && flags.removed ? badge('Removed') : null,
    ),
    view.replyTo ? quoteEl(view.replyTo, replyAnchor(view.replyTo.id), options.quoteHidden?.(view.replyTo.id)) : null,
    view.blocked ? blockedNotice(body) : pseudonymHidden && pseudonym ? hiddenPseudonymNotice(body, view.id, pseudonym) : body,
    // the author's own reply that mentions crisis and waits for a moderator: why, and where help is meanwhile
    mine && view.status === 'pending' && view.crisis ? waitingNotice('reply', true) : null,
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

/**
 * Merges a newer view of a held reply. A live broadcast is built for nobody in particular: it lacks the
 * reader's `mine`, markdown `body`, own reactions and blocked flag, which are kept from what is held.
 */
export function mergeReply(held: AnyReply, next: AnyReply, personal: boolean): AnyReply {
  if (next.deleted || held.deleted || personal) return next;
  const old = held as OwnableReply;
  const merged: OwnableReply = { ...next, myReactions: old.myReactions ?? [] };
  if (old.mine) merged.mine = true;
  if (next.body === undefined && old.body !== undefined && next.bodyHtml === old.bodyHtml) merged.body = old.body;
  if (old.blocked) merged.blocked = true;
  return merged;
}

export class ReplyList {
  readonly element: HTMLOListElement;
  readonly #entries: Entry[] = [];
  readonly #byId = new Map<string, Entry>();
  #options: ReplyListOptions;

  constructor(options: ReplyListOptions) {
    this.#options = {
      ...options,
      quoteHidden: (id) => {
        const held = this.#byId.get(id)?.view;
        return Boolean(held && !held.deleted && held.blocked);
      },
    };
    this.element = h('ol', { class: 'reply-list' });
  }

  get size(): number {
    return this.#entries.length;
  }

  /** The highest reply id held (for `after=` on the next page or on a socket rejoin). */
  get lastId(): string | null {
    return this.#entries.at(-1)?.id ?? null;
  }

  /** Replies held that are not deleted. */
  get visibleCount(): number {
    return this.#entries.filter((e) => !e.view.deleted).length;
  }

  /** The ids held, in order. */
  get ids(): string[] {
    return this.#entries.map((e) => e.id);
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  get(id: string): AnyReply | undefined {
    return this.#byId.get(id)?.view;
  }

  elementFor(id: string): HTMLLIElement | null {
    return this.#byId.get(id)?.element ?? null;
  }

  barFor(id: string): ReactionBar | null {
    return this.#byId.get(id)?.bar ?? null;
  }

  /** Inserts a reply in id order. Returns false (and changes nothing) when the id is already held. */
  add(view: AnyReply): boolean {
    if (!view || typeof view.id !== 'string' || this.#byId.has(view.id)) return false;
    const { element, bar } = renderReply(view, this.#options);
    const entry: Entry = { id: view.id, view, element, bar, panel: null, panelReplacesBody: false };
    // Replies nearly always arrive in order, so search from the end.
    let index = this.#entries.length;
    while (index > 0 && compareReplyIds(this.#entries[index - 1]!.id, view.id) > 0) index -= 1;
    const next = this.#entries[index];
    this.#entries.splice(index, 0, entry);
    this.#byId.set(view.id, entry);
    if (next) this.element.insertBefore(element, next.element);
    else this.element.append(element);
    return true;
  }

  /**
   * Replaces a held reply (edited, approved or deleted). `personal`: the view was made for this reader
   * (a REST answer) rather than broadcast to everyone. Returns false when the id is not held.
   */
  update(view: AnyReply, personal = true): boolean {
    const entry = this.#byId.get(view.id);
    if (!entry) return false;
    const next = mergeReply(entry.view, view, personal);
    if (next.deleted) {
      entry.panel = null;
      entry.panelReplacesBody = false;
    }
    this.#render(entry, next);
    if (next.deleted) this.#refreshQuotesOf(view.id, true);
    return true;
  }

  /** Replies quoting a reply that is now deleted (its words go from the quotes too) or hidden as a blocked member's. */
  #refreshQuotesOf(id: string, gone: boolean): void {
    for (const entry of this.#entries) {
      const v = entry.view;
      if (v.deleted || v.replyTo?.id !== id) continue;
      this.#render(entry, gone ? { ...v, replyTo: { id, author: null, excerpt: null } } : v);
    }
  }

  /** Shows a held reply as deleted. */
  markDeleted(id: string): boolean {
    const entry = this.#byId.get(id);
    if (!entry) return false;
    return this.update({ id, threadId: entry.view.threadId, deleted: true });
  }

  /** Hides the replies of a member the reader just blocked (they can still choose to show one). */
  markBlocked(userId: string): number {
    let n = 0;
    for (const entry of [...this.#entries]) {
      const v = entry.view;
      if (v.deleted || !v.author || !('username' in v.author) || v.author.id !== userId || v.blocked) continue;
      entry.panel = null;
      this.#render(entry, { ...v, blocked: true });
      this.#refreshQuotesOf(v.id, false);
      n += 1;
    }
    return n;
  }

  /** Renders again the replies under a pseudonym (the reader hid it or showed it again in this story). */
  refreshPseudonym(pseudonym: string): number {
    let n = 0;
    for (const entry of [...this.#entries]) {
      const v = entry.view;
      if (v.deleted || !v.author || !('pseudonym' in v.author) || v.author.pseudonym !== pseudonym) continue;
      entry.panel = null;
      this.#render(entry, v);
      n += 1;
    }
    return n;
  }

  /** Records the reader's reaction answer for a reply (its bar already shows it). */
  setReactions(id: string, reactions: ReplyView['reactions'], myReactions: ReplyView['myReactions']): void {
    const entry = this.#byId.get(id);
    if (entry && !entry.view.deleted) entry.view = { ...entry.view, reactions, myReactions };
  }

  /** Live counts for a reply; a placeholder (deleted, or a blocked member's) shows none and gets none. */
  liveReactions(id: string, reactions: ReplyView['reactions']): void {
    const entry = this.#byId.get(id);
    if (!entry || entry.view.deleted || !entry.bar) return;
    entry.view = { ...entry.view, reactions };
    entry.bar.setCounts(reactions);
  }

  /** Turns reactions on or off for every reply (thread locked or unlocked). */
  setReactionsDisabled(disabled: boolean): void {
    if (Boolean(this.#options.reactionsDisabled) === disabled) return;
    this.#options = { ...this.#options, reactionsDisabled: disabled };
    for (const entry of [...this.#entries]) this.#render(entry, entry.view);
  }

  /**
   * Opens a panel in a reply (an edit form in place of the body, or a confirmation / report form below
   * it). It stays across live re-renders until closePanel().
   */
  openPanel(id: string, panel: HTMLElement, replacesBody = false): boolean {
    const entry = this.#byId.get(id);
    if (!entry || entry.view.deleted) return false;
    entry.panel = panel;
    entry.panelReplacesBody = replacesBody;
    this.#render(entry, entry.view);
    return true;
  }

  hasPanel(id: string): boolean {
    return Boolean(this.#byId.get(id)?.panel);
  }

  /** Closes a reply's panel; focus goes back to the given action button of that reply, if any. */
  closePanel(id: string, focusAction?: ReplyAction): void {
    const entry = this.#byId.get(id);
    if (!entry || !entry.panel) return;
    entry.panel = null;
    entry.panelReplacesBody = false;
    this.#render(entry, entry.view);
    if (focusAction) {
      const target = entry.element.querySelector<HTMLElement>(`[data-action="${focusAction}"]`) ?? entry.element;
      if (target === entry.element) entry.element.tabIndex = -1;
      target.focus();
    }
  }

  #render(entry: Entry, view: AnyReply): void {
    const active = document.activeElement;
    const hadFocus = entry.element.contains(active);
    const panelFocus = active instanceof HTMLElement && entry.panel?.contains(active) ? active : null;
    const focusedSelector =
      active instanceof HTMLElement && !panelFocus
        ? active.dataset.action
          ? `[data-action="${active.dataset.action}"]`
          : active.dataset.kind
            ? `[data-kind="${active.dataset.kind}"]`
            : null
        : null;
    const { element, bar } = renderReply(view, this.#options);
    if (entry.panel && !view.deleted) {
      const card = element.querySelector('.reply-card') ?? element;
      if (entry.panelReplacesBody) {
        for (const el of card.querySelectorAll<HTMLElement>('.reply-body, .reaction-bar, .reply-actions')) el.hidden = true;
      }
      card.append(entry.panel);
    }
    entry.element.replaceWith(element);
    entry.element = element;
    entry.view = view;
    entry.bar = bar;
    if (panelFocus && panelFocus.isConnected) {
      panelFocus.focus({ preventScroll: true });
    } else if (hadFocus && !element.contains(document.activeElement)) {
      const same = focusedSelector ? element.querySelector<HTMLElement>(focusedSelector) : null;
      if (same) same.focus({ preventScroll: true });
      else {
        element.tabIndex = -1;
        element.focus({ preventScroll: true });
      }
    }
  }
}
