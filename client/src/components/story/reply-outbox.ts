// The reader's replies to this story that wait in the outbox (stores/outbox.ts), shown above the reply box: "Will send
// when you are back online", "Sending…", or "Not sent: <reason>" for one the server refused (kept, with its words,
// never sent again by itself). Each can be put back in the box; a refused one can also be let go.
import { h } from '../../dom.js';
import { outbox, OutboxSent, type OutboxItem, type SentReply } from '../../stores/outbox.js';
import { announce } from '../announcer.js';

export interface ReplyOutboxHost {
  threadId: string;
  signal: AbortSignal;
  /** The words of an item go back into the reply box. */
  putBack(item: OutboxItem): void;
  /** A waiting reply was posted. */
  sent(reply: SentReply): void;
}

const EXCERPT = 140;

export class ReplyOutbox {
  readonly element: HTMLElement;
  readonly #host: ReplyOutboxHost;
  readonly #list: HTMLElement;
  /** The state each item was last shown in, so that a change is said once (not on every redraw). */
  #shown = new Map<string, string>();

  constructor(host: ReplyOutboxHost) {
    this.#host = host;
    this.#list = h('ul', { class: 'outbox-list' });
    this.element = h(
      'section',
      { class: 'reply-outbox', 'aria-labelledby': 'reply-outbox-title', hidden: true },
      h('h3', { id: 'reply-outbox-title' }, 'Your replies not sent yet'),
      this.#list,
    );
    outbox.addEventListener('change', () => this.render(), { signal: host.signal });
    outbox.addEventListener(
      'sent',
      (event) => {
        if (!(event instanceof OutboxSent) || event.item.threadId !== host.threadId) return;
        host.sent(event.reply);
        announce(event.reply.status === 'pending' ? 'Your waiting reply was sent and is waiting for a moderator to review it.' : 'Your waiting reply was posted.');
      },
      { signal: host.signal },
    );
    this.render();
  }

  render(): void {
    const items = outbox.itemsFor(this.#host.threadId);
    const shown = new Map<string, string>();
    for (const item of items) {
      shown.set(item.clientKey, item.state);
      const before = this.#shown.get(item.clientKey);
      if (item.state === 'refused' && before !== 'refused') announce(`Your reply was not sent: ${item.reason ?? 'Setback refused it.'}`);
      else if (item.state === 'waiting' && before === undefined) announce('Your reply will be sent when you are back online.');
    }
    this.#shown = shown;
    this.element.hidden = items.length === 0;
    this.#list.replaceChildren(...items.map((item) => this.#item(item)));
  }

  #item(item: OutboxItem): HTMLElement {
    const sending = outbox.isSending(item.clientKey);
    const words = item.body.length > EXCERPT ? `${item.body.slice(0, EXCERPT).trimEnd()}…` : item.body;
    const status =
      item.state === 'refused'
        ? h('p', { class: 'outbox-status field-error' }, `Not sent: ${item.reason ?? 'Setback refused it.'} Your words are kept here.`)
        : h('p', { class: 'outbox-status' }, sending ? 'Sending…' : 'Will send when you are back online.');
    const putBack = h('button', { type: 'button', class: 'button button-small' }, 'Put back in the box');
    putBack.addEventListener('click', () => {
      const taken = outbox.remove(item.clientKey);
      if (taken) this.#host.putBack(taken);
    });
    const letGo = item.state === 'refused' ? h('button', { type: 'button', class: 'button button-small button-quiet' }, 'Discard') : null;
    letGo?.addEventListener('click', () => {
      outbox.remove(item.clientKey);
      announce('The unsent reply was discarded.');
    });
    return h(
      'li',
      { class: 'outbox-item', 'data-state': sending ? 'sending' : item.state },
      h('p', { class: 'outbox-words' }, words),
      status,
      sending ? null : h('div', { class: 'actions' }, putBack, letGo),
    );
  }
}
