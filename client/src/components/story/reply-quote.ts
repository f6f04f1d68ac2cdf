// Reply to a reply (DESIGN "Conversation"): the short quote a reply shows of the reply it answers, linking to it,
// and the "Replying to …" line above the reply box while the reader answers someone. Threads stay flat: the quote
// is the context.
import type { ReplyQuoteView } from '../../../../src/contract/views.js';
import { h } from '../../dom.js';
import { authorName } from '../author.js';

/**
 * The quote inside a reply, linking to the answered reply's `anchor` (its element id). `hidden`: the reader holds the answered reply as a placeholder (a member they blocked),
 * so its words stay out of the quote too.
 */
export function quoteEl(quote: ReplyQuoteView, anchor: string, hidden = false): HTMLElement {
  const shown = quote.author && quote.excerpt !== null && !hidden;
  return h(
    'a',
    { class: 'reply-quote', href: `#${anchor}`, 'data-reply-to': quote.id },
    shown
      ? [h('span', { class: 'reply-quote-who' }, `In reply to ${authorName(quote.author)}`), h('span', { class: 'reply-quote-text' }, quote.excerpt ?? '')]
      : h('span', { class: 'reply-quote-who' }, 'In reply to a reply that is no longer shown'),
  );
}

/** What the reply box answers: set by a reply's "Reply" button, cleared by Cancel or once sent. */
export class ReplyingTo {
  readonly element: HTMLElement;
  #target: ReplyQuoteView | null = null;
  readonly #text: HTMLElement;

  constructor(onCancel: () => void) {
    this.#text = h('span', { class: 'replying-to-text' });
    const cancel = h('button', { type: 'button', class: 'button button-small button-quiet' }, 'Cancel', h('span', { class: 'sr-only' }, ' replying to this reply'));
    cancel.addEventListener('click', () => {
      this.set(null);
      onCancel();
    });
    this.element = h('p', { class: 'replying-to', hidden: true, role: 'status' }, this.#text, ' ', cancel);
  }

  get id(): string | null {
    return this.#target?.id ?? null;
  }

  /** The reply answered, as quoted (kept with a draft, so that a restored reply still answers it). */
  get target(): ReplyQuoteView | null {
    return this.#target;
  }

  set(target: ReplyQuoteView | null): void {
    this.#target = target;
    this.element.hidden = !target;
    this.#text.textContent = target ? `Replying to ${authorName(target.author)}${target.excerpt ? `: “${target.excerpt}”` : ''}` : '';
  }
}
