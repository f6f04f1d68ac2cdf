// "What helped most": the replies the story's author marked as having helped them most (at most three), shown at
// the top of the story's replies, each with a link to the reply in its place. Drawn from the replies the screen
// holds (reply-list.ts); a marked reply that is gone, or a blocked member's, is left out.
import type { AuthorView } from '../../../../src/contract/views.js';
import { authorEl, authorName } from '../author.js';
import { h, setServerHtml } from '../../dom.js';
import { replyAnchor, type AnyReply } from './reply-item.js';

export class HelpedMost {
  readonly element: HTMLElement;
  readonly #heading: HTMLElement;
  readonly #list: HTMLOListElement;

  constructor() {
    this.#heading = h('h2', { id: 'helped-most-title' }, 'What helped most');
    this.#list = h('ol', { class: 'helped-list' });
    this.element = h('section', { class: 'helped-most', 'aria-labelledby': 'helped-most-title', hidden: true }, this.#heading, this.#list);
  }

  render(ids: readonly string[], get: (id: string) => AnyReply | undefined, storyAuthor: AuthorView, mine: boolean, me: string | null): void {
    const items: HTMLLIElement[] = [];
    for (const id of ids) {
      const reply = get(id);
      if (!reply || reply.deleted || reply.blocked || !reply.bodyHtml) continue;
      const body = h('div', { class: 'prose' });
      setServerHtml(body, reply.bodyHtml);
      items.push(
        h(
          'li',
          { class: 'helped-item' },
          h('p', { class: 'helped-meta' }, authorEl(reply.author, me), h('span', { class: 'meta-sep', 'aria-hidden': 'true' }, ' · '), h('a', { href: `#${replyAnchor(id)}` }, 'See it among the replies', h('span', { class: 'sr-only' }, ` (the reply from ${authorName(reply.author)})`))),
          body,
        ),
      );
    }
    this.#heading.textContent = mine ? 'What helped you most' : `What helped ${authorName(storyAuthor)} most`;
    this.#list.replaceChildren(...items);
    this.element.hidden = items.length === 0;
  }
}
