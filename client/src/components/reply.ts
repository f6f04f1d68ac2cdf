// One reply, and ReplyList: the ordered, duplicate-free list of a thread's replies. Replies arrive
// from REST pages and (later) live from the socket; both go through add(), which keeps id order
// (decimal ids compared as BigInt) and ignores an id it already holds.
import type { DeletedReplyView, ReplyView } from '../../../src/contract/views.js';
import { h, setServerHtml } from '../dom.js';
import { timeEl } from '../time.js';
import { authorEl, authorName } from './author.js';
import { ReactionBar } from './reactions.js';

export type AnyReply = ReplyView | DeletedReplyView;

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
}

export interface ReplyListOptions {
  currentUserId: string | null;
  /** Reactions are off when the thread is locked. */
  reactionsDisabled?: boolean;
}

export function renderReply(view: AnyReply, options: ReplyListOptions): { element: HTMLLIElement; bar: ReactionBar | null } {
  const anchor = replyAnchor(view.id);
  if (view.deleted) {
    return {
      element: h('li', { class: 'reply reply-deleted', id: anchor, 'data-reply-id': view.id }, h('p', { class: 'muted' }, 'This reply was deleted.')),
      bar: null,
    };
  }
  const name = authorName(view.author);
  const body = h('div', { class: 'prose reply-body' });
  setServerHtml(body, view.bodyHtml ?? '');
  const bar = new ReactionBar(view.reactions, view.myReactions ?? [], `Reactions to the reply from ${name}`, options.reactionsDisabled);
  const headingId = `${anchor}-by`;
  const article = h(
    'article',
    { class: 'reply-card', 'aria-labelledby': headingId },
    h(
      'header',
      { class: 'reply-meta' },
      h('span', { id: headingId, class: 'reply-author' }, h('span', { class: 'sr-only' }, 'Reply from '), authorEl(view.author, options.currentUserId)),
      h('span', { class: 'meta-sep', 'aria-hidden': 'true' }, ' · '),
      timeEl(view.createdAt),
      view.editedAt ? h('span', { class: 'muted' }, ' · edited') : null,
      view.status === 'pending' ? h('span', { class: 'badge badge-pending' }, 'Waiting for review') : null,
    ),
    view.blocked ? blockedNotice(body) : body,
    bar.element,
  );
  return { element: h('li', { class: 'reply', id: anchor, 'data-reply-id': view.id }, article), bar };
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

export class ReplyList {
  readonly element: HTMLOListElement;
  readonly #entries: Entry[] = [];
  readonly #byId = new Map<string, Entry>();
  #options: ReplyListOptions;

  constructor(options: ReplyListOptions) {
    this.#options = options;
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

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  get(id: string): AnyReply | undefined {
    return this.#byId.get(id)?.view;
  }

  barFor(id: string): ReactionBar | null {
    return this.#byId.get(id)?.bar ?? null;
  }

  /** Inserts a reply in id order. Returns false (and changes nothing) when the id is already held. */
  add(view: AnyReply): boolean {
    if (!view || typeof view.id !== 'string' || this.#byId.has(view.id)) return false;
    const { element, bar } = renderReply(view, this.#options);
    const entry: Entry = { id: view.id, view, element, bar };
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

  /** Replaces a held reply (edited, approved or deleted). Returns false when the id is not held. */
  update(view: AnyReply): boolean {
    const entry = this.#byId.get(view.id);
    if (!entry) return false;
    const hadFocus = entry.element.contains(document.activeElement);
    const { element, bar } = renderReply(view, this.#options);
    entry.element.replaceWith(element);
    entry.element = element;
    entry.view = view;
    entry.bar = bar;
    if (hadFocus) {
      element.tabIndex = -1;
      element.focus({ preventScroll: true });
    }
    return true;
  }

  /** Shows a held reply as deleted. */
  markDeleted(id: string): boolean {
    const entry = this.#byId.get(id);
    if (!entry) return false;
    return this.update({ id, threadId: entry.view.threadId, deleted: true });
  }

  /** Turns reactions on or off for every reply (thread locked or unlocked). */
  setReactionsDisabled(disabled: boolean): void {
    if (Boolean(this.#options.reactionsDisabled) === disabled) return;
    this.#options = { ...this.#options, reactionsDisabled: disabled };
    for (const entry of [...this.#entries]) this.update(entry.view);
  }
}
