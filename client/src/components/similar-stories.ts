// Similar stories: while composing (GET /api/threads/similar?text=, debounced on the title and the first part) and
// under a story (GET /api/threads/:id/similar, "Stories like this one"). Each links to the story; an anonymous one
// shows only its pseudonym (the server's author view).
import type { SimilarStoriesView, ThreadListItemView } from '../../../src/contract/views.js';
import { api, qs, seg } from '../api.js';
import { debounce, h, isAbort, uid } from '../dom.js';
import { categories } from '../stores/categories.js';
import { session } from '../stores/session.js';
import { authorEl } from './author.js';
import { errorState, loadingState } from './states.js';

const DELAY_MS = 800;
/** What the server accepts (SIMILAR_TEXT_MAX); the title and the start of the first part are plenty. */
const MAX_TEXT = 1500;
/** Fewer words than this say too little to look for anything. */
const MIN_WORDS = 3;

function itemEl(item: ThreadListItemView, newTab: boolean): HTMLLIElement {
  const link = h('a', { href: `/stories/${encodeURIComponent(item.id)}`, ...(newTab ? { target: '_blank', rel: 'noopener' } : {}) }, item.title);
  return h(
    'li',
    { class: 'similar-item' },
    link,
    newTab ? h('span', { class: 'sr-only' }, ' (opens in a new tab)') : null,
    h(
      'span',
      { class: 'similar-meta muted' },
      ' — ',
      categories.name(item.category),
      ', by ',
      authorEl(item.author, session.user?.id),
      `, ${item.replyCount === 1 ? '1 reply' : `${item.replyCount} replies`}`,
    ),
  );
}

/**
 * The composer's panel: call `changed()` on input; it looks for stories like the draft after a pause in typing and
 * shows up to five, opening in a new tab so the draft stays. Hidden while there is nothing to show.
 */
export function composerSimilar(source: () => { title: string; happened: string }, signal: AbortSignal) {
  const titleId = uid('similar-title');
  const list = h('ul', { class: 'similar-list' });
  const note = h('div', { class: 'similar-note' });
  const element = h(
    'aside',
    { class: 'panel similar similar-compose', 'aria-labelledby': titleId, hidden: true },
    h('h2', { id: titleId, class: 'similar-heading' }, 'Others have been through something like this'),
    h('p', { class: 'hint' }, 'You are not alone. These stories open in a new tab, so your draft stays here.'),
    list,
    note,
  );
  let asked = '';
  let request: AbortController | null = null;

  const look = async () => {
    const { title, happened } = source();
    const text = `${title.trim()}\n\n${happened.trim()}`.trim().slice(0, MAX_TEXT);
    if (text.split(/\s+/).filter((w) => w.length > 1).length < MIN_WORDS) {
      request?.abort();
      asked = '';
      element.hidden = true;
      return;
    }
    if (text === asked) return;
    asked = text;
    request?.abort();
    const controller = new AbortController();
    request = controller;
    element.setAttribute('aria-busy', 'true');
    try {
      const found = await api.get<SimilarStoriesView>(`/threads/similar${qs({ text, limit: 5 })}`, { signal: controller.signal });
      if (request !== controller || signal.aborted) return;
      const items = found?.items ?? [];
      list.replaceChildren(...items.map((i) => itemEl(i, true)));
      note.replaceChildren();
      element.hidden = items.length === 0;
    } catch (error) {
      if (isAbort(error)) return;
      // a hint, not a step of writing: when it fails it says so quietly and tries again on the next pause
      asked = '';
      if (!element.hidden) note.replaceChildren(h('p', { class: 'muted' }, "Similar stories didn't load just now."));
    } finally {
      if (request === controller) {
        request = null;
        element.setAttribute('aria-busy', 'false');
      }
    }
  };
  const follow = debounce(() => void look(), DELAY_MS);
  signal.addEventListener('abort', () => {
    follow.cancel();
    request?.abort();
  });
  return { element, changed: () => follow() };
}

/** Under a story: "Stories like this one", loaded once, with its loading, empty and error states. */
export function storySimilar(threadId: string, signal: AbortSignal): HTMLElement {
  const titleId = uid('similar-title');
  const body = h('div', { class: 'similar-body' });
  const element = h('section', { class: 'similar similar-story', 'aria-labelledby': titleId }, h('h2', { id: titleId }, 'Stories like this one'), body);
  const load = async () => {
    body.replaceChildren(loadingState('Looking for similar stories…'));
    element.setAttribute('aria-busy', 'true');
    try {
      const found = await api.get<SimilarStoriesView>(`/threads/${seg(threadId)}/similar${qs({ limit: 5 })}`, { signal });
      const items = found?.items ?? [];
      body.replaceChildren(items.length ? h('ul', { class: 'similar-list' }, ...items.map((i) => itemEl(i, false))) : h('p', { class: 'muted' }, 'No similar stories yet.'));
    } catch (error) {
      if (isAbort(error)) return;
      body.replaceChildren(errorState(error, () => void load(), "Similar stories didn't load."));
    } finally {
      element.setAttribute('aria-busy', 'false');
    }
  };
  void load();
  return element;
}
