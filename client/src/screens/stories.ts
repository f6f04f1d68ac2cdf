// / : the stories list. GET /api/threads?category=&q=&cursor=&limit=20 → {items, nextCursor};
// a category filter, a debounced search, "Load more", and loading / empty / error states.
// /?tab=waiting : the stories waiting for a first reply (GET /api/threads?filter=unanswered), oldest first.
import type { Page, ThreadListItemView } from '../../../src/contract/views.js';
import { api, describeError, qs } from '../api.js';
import { announce } from '../components/announcer.js';
import { authorEl } from '../components/author.js';
import { contentWarningGate } from '../components/content-warning.js';
import { reactionSummary } from '../components/reactions.js';
import { emptyState, errorState, loadingState } from '../components/states.js';
import { debounce, h, isAbort, uid } from '../dom.js';
import type { RouteContext } from '../router.js';
import { categories } from '../stores/categories.js';
import { reachability } from '../stores/reachability.js';
import { session } from '../stores/session.js';
import { timeEl } from '../time.js';

const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 300;

export function storyCard(item: ThreadListItemView, signal: AbortSignal): HTMLLIElement {
  const titleId = uid('story-title');
  const badges = [
    item.pinned ? h('span', { class: 'badge badge-pinned' }, 'Pinned') : null,
    item.locked ? h('span', { class: 'badge badge-locked' }, 'Locked') : null,
  ].filter(Boolean);
  const replies = item.replyCount === 1 ? '1 reply' : `${item.replyCount ?? 0} replies`;
  const content = h(
    'div',
    { class: 'card-content' },
    h('h2', { class: 'card-title', id: titleId }, h('a', { href: `/stories/${encodeURIComponent(item.id)}` }, item.title)),
    h(
      'p',
      { class: 'card-meta' },
      h('span', { class: 'category' }, categories.name(item.category)),
      h('span', { class: 'meta-sep', 'aria-hidden': 'true' }, ' · '),
      'by ',
      authorEl(item.author, session.user?.id),
      h('span', { class: 'meta-sep', 'aria-hidden': 'true' }, ' · '),
      timeEl(item.lastActivityAt ?? item.createdAt, 'active '),
    ),
    item.excerpt ? h('p', { class: 'card-excerpt' }, item.excerpt) : null,
    h('p', { class: 'card-stats' }, h('span', null, replies), reactionSummary(item.reactions) ? ' · ' : null, reactionSummary(item.reactions)),
  );
  const article = h(
    'article',
    { class: `story-card${item.pinned ? ' is-pinned' : ''}`, 'aria-labelledby': titleId },
    badges.length ? h('p', { class: 'card-badges' }, ...badges) : null,
    item.contentWarning ? contentWarningGate(item.id, item.contentWarning, content, signal) : content,
  );
  return h('li', null, article);
}

export function storiesScreen({ outlet, signal, query }: RouteContext): void {
  let category = query.get('category') ?? '';
  const waiting = query.get('tab') === 'waiting';
  let q = waiting ? '' : query.get('q') ?? '';
  let nextCursor: string | null = null;
  let request: AbortController | null = null;
  let count = 0;

  const categorySelect = h('select', { id: 'filter-category', name: 'category' }, h('option', { value: '' }, 'All categories'));
  const categoryDescription = h('p', { class: 'muted category-description' });
  const search = h('input', { id: 'filter-q', name: 'q', type: 'search', autocomplete: 'off', value: q, enterkeyhint: 'search' });
  const filters = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Find stories' },
    h('div', { class: 'field' }, h('label', { for: 'filter-category' }, 'Category'), categorySelect),
    waiting ? null : h('div', { class: 'field field-grow' }, h('label', { for: 'filter-q' }, 'Search stories'), search),
  );
  const tabs = h(
    'nav',
    { class: 'mod-nav list-tabs', 'aria-label': 'Which stories' },
    h(
      'ul',
      null,
      h('li', null, h('a', { href: '/', 'aria-current': waiting ? null : 'page' }, 'All stories')),
      h('li', null, h('a', { href: '/?tab=waiting', 'aria-current': waiting ? 'page' : null }, 'Waiting for a first reply')),
    ),
  );
  const list = h('ul', { class: 'story-list', 'aria-labelledby': 'stories-title' });
  const status = h('div', { class: 'list-status' });
  const loadMore = h('button', { type: 'button', class: 'button', hidden: true }, 'Load more stories');
  const moreError = h('div', { class: 'more-error' });
  const region = h('div', { class: 'story-region', 'aria-busy': 'false' }, status, list, h('div', { class: 'actions center' }, loadMore), moreError);

  outlet.append(
    h(
      'section',
      { class: 'screen stories' },
      h('div', { class: 'screen-head' }, h('h1', { id: 'stories-title' }, waiting ? 'Waiting for a first reply' : 'Stories'), h('a', { class: 'button button-primary', href: '/stories/new' }, 'Write a story')),
      tabs,
      waiting ? h('p', { class: 'muted' }, 'Nobody has answered these stories yet, the one waiting longest first. A few kind words can mean a lot.') : null,
      filters,
      categoryDescription,
      region,
    ),
  );

  const syncUrl = () => {
    const url = `/${qs({ tab: waiting ? 'waiting' : null, category, q })}`;
    if (url !== location.pathname + location.search) history.replaceState(null, '', url);
  };

  const renderCategories = () => {
    const current = category;
    categorySelect.replaceChildren(
      h('option', { value: '' }, 'All categories'),
      ...categories.items.map((c) => h('option', { value: c.slug }, c.name)),
    );
    categorySelect.value = categories.find(current) ? current : '';
    categoryDescription.textContent = categories.find(category)?.description ?? '';
  };

  const setBusy = (busy: boolean) => region.setAttribute('aria-busy', String(busy));

  async function loadPage(reset: boolean): Promise<void> {
    request?.abort();
    const controller = new AbortController();
    request = controller;
    const abort = () => controller.abort();
    signal.addEventListener('abort', abort, { once: true });
    setBusy(true);
    moreError.replaceChildren();
    if (reset) {
      nextCursor = null;
      count = 0;
      list.replaceChildren();
      loadMore.hidden = true;
      status.replaceChildren(loadingState('Loading stories…'));
    } else {
      loadMore.textContent = 'Loading…';
      loadMore.setAttribute('aria-disabled', 'true');
    }
    try {
      const page = await api.get<Page<ThreadListItemView>>(
        `/threads${qs({ filter: waiting ? 'unanswered' : null, category, q: q.trim(), cursor: reset ? null : nextCursor, limit: PAGE_SIZE })}`,
        { signal: controller.signal },
      );
      const items = page?.items ?? [];
      status.replaceChildren();
      const firstNew = items.length ? storyCard(items[0]!, signal) : null;
      if (firstNew) list.append(firstNew);
      for (const item of items.slice(1)) list.append(storyCard(item, signal));
      count += items.length;
      nextCursor = page?.nextCursor ?? null;
      loadMore.hidden = !nextCursor;
      if (!count) status.replaceChildren(emptyView());
      else if (reset && q.trim()) announce(`${count}${nextCursor ? ' or more' : ''} ${count === 1 ? 'story' : 'stories'} found.`);
      // After "Load more", take keyboard users to the first new story.
      if (!reset && firstNew) firstNew.querySelector<HTMLElement>('a, button')?.focus();
    } catch (error) {
      if (isAbort(error)) return;
      if (reset) {
        status.replaceChildren(errorState(error, () => void loadPage(true), "We couldn't load the stories."));
      } else {
        moreError.replaceChildren(h('p', { class: 'field-error', role: 'alert' }, `More stories didn't load. ${describeError(error)} Try the button again.`));
      }
    } finally {
      signal.removeEventListener('abort', abort);
      if (request === controller) {
        request = null;
        setBusy(false);
        loadMore.textContent = 'Load more stories';
        loadMore.removeAttribute('aria-disabled');
      }
    }
  }

  function emptyView(): HTMLElement {
    if (waiting) return emptyState(h('p', null, 'Every story here has had a reply. Thank you for being there for each other.'), h('a', { class: 'button', href: '/' }, 'See all stories'));
    if (q.trim()) {
      const clear = h('button', { type: 'button', class: 'button' }, 'Clear search');
      clear.addEventListener('click', () => {
        search.value = '';
        q = '';
        syncUrl();
        void loadPage(true);
        search.focus();
      });
      return emptyState(h('p', null, 'No stories match your search.'), clear);
    }
    return emptyState(
      h('p', null, 'No stories here yet — yours could be the first.'),
      h('a', { class: 'button button-primary', href: '/stories/new' }, 'Write a story'),
    );
  }

  const runSearch = debounce(() => {
    if (search.value === q) return;
    q = search.value;
    syncUrl();
    void loadPage(true);
  }, SEARCH_DELAY_MS);

  search.addEventListener('input', () => runSearch(), { signal });
  filters.addEventListener(
    'submit',
    (event) => {
      event.preventDefault();
      runSearch.cancel();
      q = search.value;
      syncUrl();
      void loadPage(true);
    },
    { signal },
  );
  categorySelect.addEventListener(
    'change',
    () => {
      category = categorySelect.value;
      categoryDescription.textContent = categories.find(category)?.description ?? '';
      syncUrl();
      void loadPage(true);
    },
    { signal },
  );
  loadMore.addEventListener(
    'click',
    () => {
      if (loadMore.getAttribute('aria-disabled') === 'true' || !nextCursor) return;
      void loadPage(false);
    },
    { signal },
  );
  signal.addEventListener('abort', () => {
    runSearch.cancel();
    request?.abort();
  });

  // Setback answers again after an outage or time offline: the list reloads by itself (a failed first page is
  // retried by its own error line) and a stale "More stories didn't load" goes.
  reachability.addEventListener(
    'back',
    () => {
      moreError.replaceChildren();
      if (!status.querySelector('.state-error')) void loadPage(true);
    },
    { signal },
  );

  // Categories name the cards, so wait briefly for them; the list still loads if they fail.
  renderCategories();
  categories.addEventListener('change', renderCategories, { signal });
  void categories
    .load()
    .catch(() => undefined)
    .then(() => {
      if (!signal.aborted) void loadPage(true);
    });
  status.replaceChildren(loadingState('Loading stories…'));
  setBusy(true);
}
