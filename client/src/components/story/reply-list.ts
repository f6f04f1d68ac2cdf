// ReplyList: the ordered, duplicate-free list of a story's replies (reply-item.ts draws each one). Replies arrive
// from REST pages and live from the socket; both go through add(), which keeps id order (decimal ids compared as
// BigInt) and ignores an id it already holds. An open panel (edit form, confirmation) survives live re-renders.
import type { ReplyView } from '../../../../src/contract/views.js';
import { h } from '../../dom.js';
import type { ReactionBar } from '../reactions.js';
import { renderReply, type AnyReply, type OwnableReply, type ReplyAction, type ReplyItemOptions } from './reply-item.js';

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

interface Entry {
  id: string;
  view: AnyReply;
  element: HTMLLIElement;
  bar: ReactionBar | null;
  /** An open panel (edit form, confirmation, report form) and whether it stands in for the body. */
  panel: HTMLElement | null;
  panelReplacesBody: boolean;
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
  #options: ReplyItemOptions;
  #highlighted = new Set<string>();

  constructor(options: ReplyItemOptions) {
    this.#options = {
      ...options,
      highlighted: (id) => this.#highlighted.has(id),
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

  /**
   * The replies the story's author marked as having helped them most, and whether the reader is that author (who
   * may mark them); renders again only the replies whose mark or button changes.
   */
  setHighlights(ids: readonly string[], canHighlight: boolean): void {
    const before = this.#highlighted;
    const was = Boolean(this.#options.canHighlight);
    this.#highlighted = new Set(ids);
    this.#options = { ...this.#options, canHighlight };
    for (const entry of [...this.#entries]) {
      if (entry.view.deleted) continue;
      if (was !== canHighlight || before.has(entry.id) !== this.#highlighted.has(entry.id)) this.#render(entry, entry.view);
    }
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
