// What the reply box says about a reply as the reader pauses typing (POST /api/threads/:id/replies/check): in a
// story whose author asked people to just listen, a kind nudge when the words read as advice; in any story, where
// to find help when the words speak of crisis. Polite and quiet: an aria-live="polite" line under the text, never a
// dialog, never in the way of Send. A newer pause abandons the request of an older one; nothing is stored.
import type { ReplyCheckView } from '../../../../src/contract/views.js';
import { api, seg } from '../../api.js';
import { debounce, h, isAbort } from '../../dom.js';
import { resourceList } from '../crisis.js';

/** How long the reader pauses before the words are checked. */
export const CHECK_PAUSE_MS = 600;

export class ReplyCheck {
  /** Under the reply's text; its contents are read out politely when they change. */
  readonly element: HTMLElement;
  readonly #threadId: string;
  readonly #signal: AbortSignal;
  #request: AbortController | null = null;
  /** The text the shown result is about, and what is shown (so the same result is not announced twice). */
  #checked = '';
  #shown = '';
  readonly #later = debounce((text: string) => void this.#check(text), CHECK_PAUSE_MS);

  constructor(threadId: string, signal: AbortSignal) {
    this.#threadId = threadId;
    this.#signal = signal;
    this.element = h('div', { class: 'reply-check', 'aria-live': 'polite', 'data-testid': 'reply-check' });
    signal.addEventListener('abort', () => this.reset());
  }

  /** The reply's text changed: check it after a pause (an empty box says nothing). */
  changed(text: string): void {
    if (!text.trim()) {
      this.reset();
      return;
    }
    if (text === this.#checked) {
      this.#later.cancel();
      return;
    }
    this.#later(text);
  }

  /** The reply was sent (or the box emptied): nothing to say any more. */
  reset(): void {
    this.#later.cancel();
    this.#request?.abort();
    this.#request = null;
    this.#checked = '';
    this.#show(null);
  }

  async #check(text: string): Promise<void> {
    this.#request?.abort();
    const request = new AbortController();
    this.#request = request;
    const stop = () => request.abort();
    this.#signal.addEventListener('abort', stop, { once: true });
    try {
      const result = await api.post<ReplyCheckView>(`/threads/${seg(this.#threadId)}/replies/check`, { body: text }, { signal: request.signal });
      if (request.signal.aborted) return;
      this.#checked = text;
      this.#show(result);
    } catch (error) {
      // a stale check, a slow network, a limit reached: the box just goes on without a suggestion
      if (!isAbort(error) && this.#request === request) this.#show(null);
    } finally {
      this.#signal.removeEventListener('abort', stop);
      if (this.#request === request) this.#request = null;
    }
  }

  #show(result: ReplyCheckView | null): void {
    const nudges = result?.nudges ?? [];
    const crisis = result?.crisis === true;
    const key = JSON.stringify([nudges.map((n) => n.message), crisis]);
    if (key === this.#shown) return;
    this.#shown = key;
    const parts: HTMLElement[] = [];
    if (crisis) {
      parts.push(
        h(
          'section',
          { class: 'panel crisis-panel reply-check-crisis', 'aria-label': 'Support' },
          h('p', null, 'If you are going through something like this yourself, you are not alone. These people are there to listen, any time:'),
          resourceList(result?.resources ?? []),
        ),
      );
    }
    for (const nudge of nudges) {
      parts.push(h('p', { class: 'reply-nudge', 'data-code': nudge.code }, h('span', { class: 'reply-nudge-label' }, 'A gentle thought: '), nudge.message));
    }
    this.element.replaceChildren(...parts);
    this.element.hidden = parts.length === 0;
  }
}
