// /lessons : what members learned. GET /api/lessons?category=&q=&sort=helped|recent|relevant&cursor=&limit=20 →
// {items, nextCursor}; the "what I learned" part of each story with a link to the story, a search box, a category
// filter, the order, "Load more", and loading / empty / error states.
import type { LessonView, Page } from '../../../src/contract/views.js';
import { api, describeError, qs } from '../api.js';
import { announce } from '../components/announcer.js';
import { authorEl } from '../components/author.js';
import { contentWarningGate } from '../components/content-warning.js';
import { emptyState, errorState, loadingState } from '../components/states.js';
import { debounce, h, isAbort, setServerHtml, uid } from '../dom.js';
import type { RouteContext } from '../router.js';
import { categories } from '../stores/categories.js';
import { session } from '../stores/session.js';
import { timeEl } from '../time.js';

const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 300;
type Sort = 'helped' | 'recent' | 'relevant';
const SORT_LABELS: Record<Sort, string> = { relevant: 'Best match', helped: 'Helped most', recent: 'Newest' };

function lessonCard(item: LessonView, signal: AbortSignal): HTMLLIElement {
  const titleId = uid('lesson-title');
  const learned = h('div', { class: 'lesson-text prose' });
  setServerHtml(learned, item.learnedHtml);
  const helped = item.helped === 1 ? 'Helped 1 person' : `Helped ${item.helped} people`;
  const content = h(
    'div',
    { class: 'card-content' },
    learned,
    h(
      'p',
      { class: 'card-meta' },
      h('span', { class: 'category' }, categories.name(item.category)),
      h('span', { class: 'meta-sep', 'aria-hidden': 'true' }, ' · '),
      'by ',
      authorEl(item.author, session.user?.id),
      h('span', { class: 'meta-sep', 'aria-hidden': 'true' }, ' · '),
      timeEl(item.createdAt, 'shared '),
      item.helped ? h('span', { class: 'meta-sep', 'aria-hidden': 'true' }, ' · ') : null,
      item.helped ? h('span', { class: 'lesson-helped' }, helped) : null,
    ),
  );
  const article = h(
    'article',
    { class: 'story-card lesson-card', 'aria-labelledby': titleId },
    h('h2', { class: 'card-title', id: titleId }, h('a', { href: `/stories/${encodeURIComponent(item.threadId)}` }, item.title)),
    item.contentWarning ? contentWarningGate(item.threadId, item.contentWarning, content, signal) : content,
  );
  return h('li', null, article);
}

export function lessonsScreen({ outlet, signal, query }: RouteContext): void {
  let category = query.get('category') ?? '';
  let q = query.get('q') ?? '';
  const askedSort = query.get('sort');
  let sort: Sort = askedSort === 'recent' || askedSort === 'helped' || (askedSort === 'relevant' && q.trim()) ? askedSort : q.trim() ? 'relevant' : 'helped';
  let nextCursor: string | null = null;
  let request: AbortController | null = null;
  let count = 0;

  const categorySelect = h('select', { id: 'lessons-category', name: 'category' }, h('option', { value: '' }, 'All categories'));
  const sortSelect = h('select', { id: 'lessons-sort', name: 'sort' });
  const search = h('input', { id: 'lessons-q', name: 'q', type: 'search', autocomplete: 'off', value: q, enterkeyhint: 'search' });
  const filters = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Find lessons' },
    h('div', { class: 'field field-grow' }, h('label', { for: 'lessons-q' }, 'Search lessons'), search),
    h('div', { class: 'field' }, h('label', { for: 'lessons-category' }, 'Category'), categorySelect),
    h('div', { class: 'field' }, h('label', { for: 'lessons-sort' }, 'Order'), sortSelect),
  );
  const list = h('ul', { class: 'story-list lesson-list', 'aria-labelledby': 'lessons-title' });
  const status = h('div', { class: 'list-status' });
  const loadMore = h('button', { type: 'button', class: 'button', hidden: true }, 'Load more lessons');
  const moreError = h('div', { class: 'more-error' });
  const region = h('div', { class: 'story-region', 'aria-busy': 'false' }, status, list, h('div', { class: 'actions center' }, loadMore), moreError);

  outlet.append(
    h(
      'section',
      { class: 'screen lessons' },
      h('div', { class: 'screen-head' }, h('h1', { id: 'lessons-title' }, 'Lessons')),
      h('p', { class: 'muted' }, 'What members learned from their setbacks, in their own words. Each one links to the whole story.'),
      filters,
      region,
    ),
  );

  const renderSorts = () => {
    const sorts: Sort[] = q.trim() ? ['relevant', 'helped', 'recent'] : ['helped', 'recent'];
    if (!sorts.includes(sort)) sort = sorts[0]!;
    sortSelect.replaceChildren(...sorts.map((s) => h('option', { value: s }, SORT_LABELS[s])));
    sortSelect.value = sort;
  };

  const syncUrl = () => {
    const url = `/lessons${qs({ category, q, sort })}`;
    if (url !== location.pathname + location.search) history.replaceState(null, '', url);
  };

  const renderCategories = () => {
    const current = category;
    categorySelect.replaceChildren(h('option', { value: '' }, 'All categories'), ...categories.items.map((c) => h('option', { value: c.slug }, c.name)));
    categorySelect.value = categories.find(current) ? current : '';
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
      status.replaceChildren(loadingState('Loading lessons…'));
    } else {
      loadMore.textContent = 'Loading…';
      loadMore.setAttribute('aria-disabled', 'true');
    }
    try {
      const page = await api.get<Page<LessonView>>(`/lessons${qs({ category, q: q.trim(), sort, cursor: reset ? null : nextCursor, limit: PAGE_SIZE })}`, {
        signal: controller.signal,
      });
      const items = page?.items ?? [];
      status.replaceChildren();
      const cards = items.map((item) => lessonCard(item, signal));
      list.append(...cards);
      count += items.length;
      nextCursor = page?.nextCursor ?? null;
      loadMore.hidden = !nextCursor;
      if (!count) status.replaceChildren(emptyView());
      else if (reset && q.trim()) announce(`${count}${nextCursor ? ' or more' : ''} ${count === 1 ? 'lesson' : 'lessons'} found.`);
      // After "Load more", take keyboard users to the first new lesson.
      if (!reset && cards[0]) cards[0].querySelector<HTMLElement>('a, button')?.focus();
    } catch (error) {
      if (isAbort(error)) return;
      if (reset) status.replaceChildren(errorState(error, () => void loadPage(true), "We couldn't load the lessons."));
      else moreError.replaceChildren(h('p', { class: 'field-error', role: 'alert' }, `More lessons didn't load. ${describeError(error)} Try the button again.`));
    } finally {
      signal.removeEventListener('abort', abort);
      if (request === controller) {
        request = null;
        setBusy(false);
        loadMore.textContent = 'Load more lessons';
        loadMore.removeAttribute('aria-disabled');
      }
    }
  }

  function emptyView(): HTMLElement {
    if (q.trim() || category) {
      const clear = h('button', { type: 'button', class: 'button' }, 'Show every lesson');
      clear.addEventListener('click', () => {
        search.value = '';
        q = '';
        category = '';
        categorySelect.value = '';
        renderSorts();
        syncUrl();
        void loadPage(true);
        search.focus();
      });
      return emptyState(h('p', null, 'No lessons match. Try other words or another category.'), clear);
    }
    return emptyState(
      h('p', null, 'No lessons yet. When members share what they learned, it appears here.'),
      h('a', { class: 'button button-primary', href: '/stories/new' }, 'Write a story'),
    );
  }

  const changed = () => {
    renderSorts();
    syncUrl();
    void loadPage(true);
  };
  const runSearch = debounce(() => {
    if (search.value === q) return;
    const hadWords = !!q.trim();
    q = search.value;
    // searching starts with the best match; clearing the search goes back to what helped most
    if (!hadWords && q.trim()) sort = 'relevant';
    changed();
  }, SEARCH_DELAY_MS);

  search.addEventListener('input', () => runSearch(), { signal });
  filters.addEventListener(
    'submit',
    (event) => {
      event.preventDefault();
      runSearch.cancel();
      if (!q.trim() && search.value.trim()) sort = 'relevant';
      q = search.value;
      changed();
    },
    { signal },
  );
  categorySelect.addEventListener(
    'change',
    () => {
      category = categorySelect.value;
      changed();
    },
    { signal },
  );
  sortSelect.addEventListener(
    'change',
    () => {
      sort = sortSelect.value as Sort;
      changed();
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

  renderSorts();
  renderCategories();
  categories.addEventListener('change', renderCategories, { signal });
  void categories
    .load()
    .catch(() => undefined)
    .then(() => {
      if (!signal.aborted) void loadPage(true);
    });
  status.replaceChildren(loadingState('Loading lessons…'));
  setBusy(true);
}
