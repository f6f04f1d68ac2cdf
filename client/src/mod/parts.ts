// Parts shared by the moderation screens: a list loaded in pages (with its loading, empty and error states and
// "Load more"), an item card, an author as moderators see it, a quoted post and a calm "done" line.
import type { AuthorView, Page } from '../../../src/contract/views.js';
import { api, describeError, seg } from '../api.js';
import { emptyState, errorState, loadingState } from '../components/states.js';
import { h, isAbort, setServerHtml, uid, type Child } from '../dom.js';
import { memberLink } from './common.js';

export function pagedList<T>(
  signal: AbortSignal,
  url: (cursor: string | null) => string,
  render: (item: T) => HTMLElement,
  empty: () => string,
  what: string,
  list: HTMLElement = h('ul', { class: 'mod-list' }),
): { element: HTMLElement; list: HTMLElement; reload(): void } {
  const status = h('div');
  const more = h('button', { type: 'button', class: 'button', hidden: true }, `Load more ${what}`);
  const moreError = h('div');
  const element = h('div', { 'aria-busy': 'false' }, status, list, h('div', { class: 'actions center' }, more), moreError);
  let cursor: string | null = null;
  let current: AbortController | null = null;

  const load = async (first: boolean) => {
    current?.abort();
    const mine = new AbortController();
    current = mine;
    const both = AbortSignal.any([signal, mine.signal]);
    moreError.replaceChildren();
    element.setAttribute('aria-busy', 'true');
    if (first) {
      cursor = null;
      list.replaceChildren();
      more.hidden = true;
      status.replaceChildren(loadingState(`Loading ${what}…`));
    } else {
      more.setAttribute('aria-disabled', 'true');
      more.textContent = 'Loading…';
    }
    try {
      const page = await api.get<Page<T>>(url(first ? null : cursor), { signal: both });
      const items = (page?.items ?? []).map(render);
      list.append(...items);
      cursor = page?.nextCursor ?? null;
      more.hidden = !cursor;
      status.replaceChildren(first && !items.length ? emptyState(h('p', null, empty())) : '');
      if (!first) items[0]?.querySelector<HTMLElement>('a, button')?.focus();
    } catch (error) {
      if (isAbort(error)) return;
      if (first) status.replaceChildren(errorState(error, () => void load(true), `The ${what} didn't load.`));
      else moreError.replaceChildren(h('p', { class: 'field-error', role: 'alert' }, `More ${what} didn't load. ${describeError(error)} Try the button again.`));
    } finally {
      if (current === mine) {
        element.setAttribute('aria-busy', 'false');
        more.removeAttribute('aria-disabled');
        more.textContent = `Load more ${what}`;
      }
    }
  };
  more.addEventListener('click', () => {
    if (more.getAttribute('aria-disabled') !== 'true') void load(false);
  });
  void load(true);
  return { element, list, reload: () => void load(true) };
}

/** An item card: a labelled article with an h3. */
export function card(heading: Child, cls: string, ...children: Child[]): HTMLLIElement {
  const id = uid('mod-item');
  return h('li', null, h('article', { class: `mod-item ${cls}`, 'aria-labelledby': id }, h('h3', { id }, heading), ...children));
}

export function authorText(author: AuthorView): Child {
  return 'username' in author ? memberLink(author) : [author.pseudonym, h('span', { class: 'muted' }, ' (anonymous)')];
}

/** A way to the author's private conversation with the team, for a named author only: an anonymous one stays anonymous. */
export function checkInLink(author: AuthorView | null | undefined): HTMLElement | null {
  if (!author || !('id' in author)) return null;
  return h('p', null, h('a', { href: `/mod/support/${seg(author.id)}`, class: 'button button-small' }, `Check in with ${author.username}`));
}

export function serverHtml(html: string, label: string): HTMLElement {
  const body = h('div', { class: 'prose mod-quote', role: 'group', 'aria-label': label });
  setServerHtml(body, html);
  return body;
}

/** A calm "done" line that takes focus, so keyboard and screen-reader users stay where they were. */
export function doneLine(text: string): HTMLElement {
  return h('p', { class: 'mod-done', role: 'status', tabindex: '-1' }, text);
}

