// "You have unsent words from <time>: Restore / Discard": words kept in this browser that the server's draft does not
// hold (typed offline, or refused, before the tab closed), offered back, never put in or sent silently.
import { h } from '../dom.js';
import type { LocalCopy } from '../stores/local-copy.js';
import { fullDate } from '../time.js';

export interface UnsentChoice {
  restore(): void;
  discard(): void;
}

export function unsentWordsOffer(copy: LocalCopy<unknown>, choice: UnsentChoice): HTMLElement {
  const restore = h('button', { type: 'button', class: 'button button-small button-primary' }, 'Restore');
  const discard = h('button', { type: 'button', class: 'button button-small button-quiet' }, 'Discard');
  const offer = h(
    'div',
    { class: 'notice unsent-words', role: 'group', 'aria-label': 'Unsent words' },
    h('p', null, 'You have unsent words from ', h('time', { datetime: copy.savedAt }, fullDate(copy.savedAt)), ', kept in this browser.'),
    h('div', { class: 'actions' }, restore, discard),
  );
  restore.addEventListener('click', () => {
    offer.remove();
    choice.restore();
  });
  discard.addEventListener('click', () => {
    offer.remove();
    choice.discard();
  });
  return offer;
}
