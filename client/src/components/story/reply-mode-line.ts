// The calm line by the reply box that says what the story's author would like from readers ("<author> would like
// people to just listen." / "<author> welcomes advice."), and for the author themself the one button that changes
// it (PATCH /api/threads/:id {replyMode}; readers see the change live through thread.updated).
import type { ReplyMode } from '../../../../src/contract/views.js';
import { api, describeError, seg } from '../../api.js';
import { announce } from '../announcer.js';
import { authorName } from '../author.js';
import { ownReplyModeSentence, replyModeSentence } from '../reply-mode.js';
import { h, uid } from '../../dom.js';
import type { MyThread } from './types.js';

export interface ReplyModeHost {
  signal: AbortSignal;
  /** The story's new view after the author changed the mode. */
  apply(thread: MyThread): void;
}

export class ReplyModeLine {
  readonly element: HTMLElement;
  /** For the reply form's aria-describedby: the sentence itself. */
  readonly id = uid('reply-mode');
  readonly #text: HTMLElement;
  readonly #change: HTMLButtonElement;
  readonly #error: HTMLElement;
  readonly #host: ReplyModeHost;
  #thread: MyThread;
  #busy = false;

  constructor(thread: MyThread, host: ReplyModeHost) {
    this.#host = host;
    this.#thread = thread;
    this.#text = h('span', { id: this.id });
    this.#change = h('button', { type: 'button', class: 'button button-small button-quiet', 'data-action': 'reply-mode' });
    this.#error = h('span', { class: 'field-error', role: 'alert', hidden: true });
    this.element = h('p', { class: 'reply-mode-line', 'data-testid': 'reply-mode-line' }, this.#text, ' ', this.#change, this.#error);
    this.#change.addEventListener('click', () => void this.#toggle(), { signal: host.signal });
    this.update(thread);
  }

  /** A newer view of the story; `live`: a change someone else made, said out loud to a reader of the story. */
  update(thread: MyThread, live = false): void {
    const before = this.#thread.replyMode;
    this.#thread = thread;
    const mode: ReplyMode = thread.replyMode ?? 'advice';
    if (live && before !== mode && !thread.mine) announce(replyModeSentence(mode, authorName(thread.author)));
    this.element.dataset.mode = mode;
    const own = Boolean(thread.mine) && !thread.deleted;
    this.#text.textContent = own ? ownReplyModeSentence(mode) : replyModeSentence(mode, authorName(thread.author));
    this.#change.hidden = !own;
    this.#change.textContent = mode === 'listening' ? 'Welcome advice instead' : 'Ask people to just listen';
  }

  async #toggle(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    this.#change.setAttribute('aria-disabled', 'true');
    this.#error.hidden = true;
    const replyMode: ReplyMode = this.#thread.replyMode === 'listening' ? 'advice' : 'listening';
    try {
      const next = await api.patch<MyThread>(`/threads/${seg(this.#thread.id)}`, { replyMode }, { signal: this.#host.signal });
      this.#host.apply(next);
      announce(replyMode === 'listening' ? 'People are now asked to just listen.' : 'People now know advice is welcome.');
      this.#change.focus();
    } catch (error) {
      if (this.#host.signal.aborted) return;
      this.#error.textContent = ` That didn't work. ${describeError(error)}`;
      this.#error.hidden = false;
    } finally {
      this.#busy = false;
      this.#change.removeAttribute('aria-disabled');
    }
  }
}
