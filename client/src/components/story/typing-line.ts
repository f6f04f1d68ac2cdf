// Who else is here: "1 person is writing…" under the replies, and "N reading" in the story's meta line.
// Both are fed by the socket (stores/live.ts: 'typing' and 'presence') through screens/story.ts.
import { h } from '../../dom.js';

/** Screen readers hear "N people are writing…" at most this often. */
const TYPING_ANNOUNCE_EVERY_MS = 15_000;
/** Without news from the server, a typing indicator fades after this long. */
const TYPING_STALE_MS = 8_000;

/** "1 person is writing…": shown at once; read out politely, and not more than every 15 s. */
export class TypingIndicator {
  readonly element: HTMLElement;
  readonly #visual: HTMLElement;
  readonly #spoken: HTMLElement;
  #stale: ReturnType<typeof setTimeout> | undefined;
  #lastSpokenAt = 0;

  constructor() {
    this.#visual = h('span', { class: 'typing-text', 'aria-hidden': 'true' });
    this.#spoken = h('span', { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
    this.element = h('p', { class: 'typing-indicator', 'data-count': '0' }, this.#visual, this.#spoken);
  }

  set(count: number): void {
    if (this.#stale !== undefined) clearTimeout(this.#stale);
    const n = Number.isFinite(count) && count > 0 ? Math.floor(count) : 0;
    if (n > 0) this.#stale = setTimeout(() => this.set(0), TYPING_STALE_MS);
    const text = n === 0 ? '' : n === 1 ? '1 person is writing…' : `${n} people are writing…`;
    this.element.dataset.count = String(n);
    if (this.#visual.textContent === text) return;
    this.#visual.textContent = text;
    const now = Date.now();
    if (!text) {
      this.#spoken.textContent = '';
    } else if (now - this.#lastSpokenAt >= TYPING_ANNOUNCE_EVERY_MS) {
      this.#lastSpokenAt = now;
      this.#spoken.textContent = text;
    }
  }

  dispose(): void {
    if (this.#stale !== undefined) clearTimeout(this.#stale);
  }
}

/** " · N reading" in the story's meta line; hidden while nobody is counted. */
export class PresenceCount {
  readonly element: HTMLElement = h('span', { class: 'presence', hidden: true });

  set(viewers: number): void {
    this.element.hidden = !(viewers > 0);
    this.element.replaceChildren(h('span', { class: 'meta-sep', 'aria-hidden': 'true' }, ' · '), `${viewers} reading`);
  }
}
