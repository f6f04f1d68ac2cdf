// The "Replies" section of a story: heading with the count, the ReplyList (reply-list.ts), "No replies yet",
// the loading / error line, the typing line (typing-line.ts) and the "N new replies" pill. Replies from every
// source — REST pages, the reader's own new reply, live socket delivery — come in through addReply(), so they
// merge in id order without duplicates.
import type { Page } from '../../../../src/contract/views.js';
import { api, qs, seg } from '../../api.js';
import { createBatchedAnnouncer } from '../announcer.js';
import { authorName } from '../author.js';
import { emptyState, errorState, loadingState } from '../states.js';
import { h, isAbort } from '../../dom.js';
import { session } from '../../stores/session.js';
import { inView, NewRepliesPill, reducedMotion } from './new-replies-pill.js';
import { isMine, type AnyReply } from './reply-item.js';
import { ReplyList } from './reply-list.js';
import { TypingIndicator } from './typing-line.js';

/** Replies per request: the story's own request brings the first page (GET /threads/:id?include=replies), then pages of this size. */
export const REPLY_PAGE_SIZE = 50;

export interface AddReplyOptions {
  /** Announce "New reply from X" in the live region (default true; never for the reader's own replies). */
  announce?: boolean;
}

export class StoryReplies {
  readonly threadId: string;
  readonly list: ReplyList;
  /** Pseudonyms the reader hid in this story (GET /threads/:id/hidden-pseudonyms). */
  readonly hiddenPseudonyms = new Set<string>();
  readonly typing = new TypingIndicator();
  readonly pill: NewRepliesPill;
  /** The section, once element() built it. */
  #section: HTMLElement | null = null;
  /** The loading / error line under the list. */
  readonly status: HTMLElement = h('div', { class: 'replies-status' });
  readonly #signal: AbortSignal;
  readonly #countEl: HTMLElement;
  readonly #emptyEl: HTMLElement;
  readonly #announcer = createBatchedAnnouncer((names) => {
    if (names.length === 1) return `New reply from ${names[0]}`;
    const unique = [...new Set(names)];
    return `${names.length} new replies, from ${unique.slice(0, 3).join(', ')}${unique.length > 3 ? ' and others' : ''}`;
  });

  constructor(threadId: string, signal: AbortSignal) {
    this.threadId = threadId;
    this.#signal = signal;
    this.list = new ReplyList({ currentUserId: session.user?.id ?? null, staff: session.isModerator, pseudonymHidden: (name) => this.hiddenPseudonyms.has(name) });
    this.pill = new NewRepliesPill((id) => this.list.elementFor(id), signal);
    this.#countEl = h('span', { class: 'reply-count' });
    this.#emptyEl = emptyState(h('p', null, 'No replies yet. A kind word could mean a lot.'));
    this.#emptyEl.hidden = true;
  }

  /** The section (built once; the screen places it under the story). */
  element(): HTMLElement {
    this.#section ??= h(
      'section',
      { class: 'replies', 'aria-labelledby': 'replies-title', 'aria-busy': 'true' },
      h('h2', { id: 'replies-title' }, 'Replies', this.#countEl),
      this.list.element,
      this.#emptyEl,
      this.status,
      this.typing.element,
    );
    return this.#section;
  }

  get lastReplyId(): string | null {
    return this.list.lastId;
  }

  addReply(view: AnyReply, options: AddReplyOptions): boolean {
    if (!view || view.threadId !== this.threadId) return false;
    const added = this.list.add(view);
    if (!added) return false;
    this.refreshCount();
    if ((options.announce ?? true) && !view.deleted && !view.blocked && !isMine(view, session.user?.id ?? null)) {
      this.#announcer.add(authorName(view.author));
    }
    return true;
  }

  updateReply(view: AnyReply, personal: boolean): boolean {
    if (!view || view.threadId !== this.threadId) return false;
    const updated = this.list.update(view, personal);
    if (updated) this.refreshCount();
    return updated;
  }

  refreshCount(): void {
    const n = this.list.visibleCount;
    this.#countEl.textContent = n ? ` (${n})` : '';
    this.#emptyEl.hidden = this.list.size > 0;
  }

  /**
   * Replies from the socket: added in order; out of view they are offered by the pill, never jumped to.
   * `writing`: the reader is in the reply box (the page does not move under them).
   */
  liveAdd(writing: () => boolean, ...replies: AnyReply[]): void {
    const list = this.list.element;
    const wasAtEnd = list.getBoundingClientRect().bottom <= window.innerHeight + 40;
    const added = replies.filter((reply) => this.addReply(reply, { announce: true }));
    if (!added.length) return;
    const isWriting = writing();
    const first = this.list.elementFor(added[0]!.id);
    if (!first || inView(first)) return;
    if (wasAtEnd && !isWriting) first.scrollIntoView({ block: 'nearest', behavior: reducedMotion() ? 'auto' : 'smooth' });
    else this.pill.add(...added.map((reply) => reply.id));
  }

  /** Loads every page after `startCursor` (null: from the start); on failure, offers to go on from where it stopped. */
  /** Loads every reply after `startCursor`, page by page; `first`: the first page, when the story's request brought it. */
  async load(startCursor: string | null, first?: Page<AnyReply>): Promise<void> {
    const section = this.element();
    const status = this.status;
    const signal = this.#signal;
    let cursor = startCursor;
    let brought = first ?? null;
    section.setAttribute('aria-busy', 'true');
    status.replaceChildren(loadingState('Loading replies…'));
    try {
      for (;;) {
        const page = brought ?? (await api.get<Page<AnyReply>>(`/threads/${seg(this.threadId)}/replies${qs({ after: cursor, limit: REPLY_PAGE_SIZE })}`, { signal }));
        brought = null;
        for (const item of page?.items ?? []) this.addReply({ ...item, threadId: item.threadId ?? this.threadId } as AnyReply, { announce: false });
        cursor = page?.nextCursor ?? null;
        if (!cursor) break;
      }
      status.replaceChildren();
      this.refreshCount();
      scrollToHashReply();
    } catch (error) {
      if (isAbort(error)) return;
      const from = cursor;
      status.replaceChildren(errorState(error, () => void this.load(from), "Some replies didn't load."));
    } finally {
      if (!signal.aborted) section.setAttribute('aria-busy', 'false');
    }
  }

  /** "Some new replies didn't load." with a retry from the last reply held (the live connection failed). */
  showLiveFailure(error: unknown): void {
    const from = this.lastReplyId;
    this.status.replaceChildren(errorState(error, () => void this.load(from), "Some new replies didn't load."));
  }

  /** Fetches this reader's view of one reply again (after a moderator acted on it, or to edit it). */
  async fetchOwnView(id: string): Promise<AnyReply | undefined> {
    const after = (BigInt(id) - 1n).toString();
    const page = await api.get<Page<AnyReply>>(`/threads/${seg(this.threadId)}/replies${qs({ after, limit: 1 })}`, { signal: this.#signal });
    return page?.items?.find((r) => r.id === id);
  }

  /** Shows one reply afresh, as the server now gives it to this reader. */
  async refresh(id: string): Promise<void> {
    const fresh = await this.fetchOwnView(id);
    if (fresh) this.updateReply({ ...fresh, threadId: this.threadId }, true);
  }

  /** What the reader folded away in this story; fetched beside the replies, never holding them back. */
  loadHiddenPseudonyms(): void {
    void api.get<{ pseudonyms: string[] }>(`/threads/${seg(this.threadId)}/hidden-pseudonyms`, { signal: this.#signal }).then(
      (res) => {
        for (const name of res?.pseudonyms ?? []) {
          this.hiddenPseudonyms.add(name);
          this.list.refreshPseudonym(name);
        }
      },
      () => undefined,
    );
  }

  dispose(): void {
    this.#announcer.cancel();
    this.typing.dispose();
  }
}

/** A link to `#reply-<id>`: that reply is scrolled to and focused once the replies are in. */
function scrollToHashReply(): void {
  const id = decodeURIComponent(location.hash.slice(1));
  if (!id.startsWith('reply-')) return;
  const el = document.getElementById(id);
  if (!el) return;
  el.tabIndex = -1;
  el.scrollIntoView({ block: 'center' });
  el.focus({ preventScroll: true });
}
