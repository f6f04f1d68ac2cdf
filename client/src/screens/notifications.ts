// /notifications: the reader's notifications, newest first (GET /api/notifications?cursor=&limit=), with
// "Load more", "Mark all read", and each one marked read when opened. Each says who and what ("Maya and 2 others
// replied to your story …") with a short excerpt. New ones arrive live at the top; a group that grows or shrinks is
// replaced where it stands; withdrawn ones (hidden or removed words) leave the list.
import type { NotificationView, Page } from '../../../src/contract/views.js';
import { api, describeError, qs } from '../api.js';
import { announce } from '../components/announcer.js';
import { emptyState, errorState, loadingState } from '../components/states.js';
import { h, isAbort } from '../dom.js';
import type { RouteContext } from '../router.js';
import { notifications } from '../stores/notifications.js';
import { timeEl } from '../time.js';

const PAGE_SIZE = 20;

/** Where a notification leads: its story, at the reply when there is one. */
export function notificationHref(n: NotificationView): string | null {
  if (n.kind === 'support') return '/support';
  if (!n.threadId) return null;
  // a reminder to add a follow-up opens the story at the author's follow-up form (components/story/follow-ups.ts)
  if (n.kind === 'follow_up_reminder') return `/stories/${encodeURIComponent(n.threadId)}#add-follow-up`;
  return `/stories/${encodeURIComponent(n.threadId)}${n.replyId ? `#reply-${encodeURIComponent(n.replyId)}` : ''}`;
}

export function notificationsScreen({ outlet, signal }: RouteContext): void {
  let nextCursor: string | null = null;
  const items = new Map<string, { view: NotificationView; element: HTMLLIElement }>();

  const list = h('ul', { class: 'notification-list', 'aria-labelledby': 'notifications-title' });
  const status = h('div', { class: 'list-status' });
  const loadMore = h('button', { type: 'button', class: 'button', hidden: true }, 'Load more notifications');
  const moreError = h('div', { class: 'more-error' });
  const markAll = h('button', { type: 'button', class: 'button button-small', hidden: true }, 'Mark all read');
  const markStatus = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const region = h('div', { class: 'notification-region', 'aria-busy': 'true' }, status, list, h('div', { class: 'actions center' }, loadMore), moreError);

  outlet.append(
    h(
      'section',
      { class: 'screen notifications' },
      h('div', { class: 'screen-head' }, h('h1', { id: 'notifications-title', tabindex: '-1' }, 'Notifications'), markAll),
      markStatus,
      region,
    ),
  );

  const renderMarkAll = () => {
    markAll.hidden = notifications.unread === 0 && ![...items.values()].some((i) => !i.view.read);
  };

  const markRead = (id: string) => {
    const item = items.get(id);
    if (!item || item.view.read) return;
    item.view = { ...item.view, read: true };
    const fresh = render(item.view);
    item.element.replaceWith(fresh);
    item.element = fresh;
    renderMarkAll();
  };

  function render(n: NotificationView): HTMLLIElement {
    const href = notificationHref(n);
    const text = h('span', { class: 'notification-text' }, n.text);
    // the excerpt is read with the link (aria-describedby), as text: it is the member's words, never HTML
    const excerptId = `notification-excerpt-${n.id}`;
    const excerpt = n.excerpt ? h('p', { class: 'notification-excerpt', id: excerptId }, h('q', null, n.excerpt)) : null;
    const size = typeof n.count === 'number' && n.count > 1 ? ` · ${n.count} ${n.kind === 'reaction' ? 'reactions' : 'replies'}` : '';
    const unreadLabel = n.read ? null : h('span', { class: 'badge badge-new' }, 'New');
    const open = () => {
      if (n.read) return;
      markRead(n.id);
      // Fire and forget: the link opens at once; the count comes back from the server.
      void notifications.markRead([n.id]).catch(() => undefined);
    };
    let main: HTMLElement;
    if (href) {
      const link = h('a', { href, class: 'notification-link', ...(excerpt ? { 'aria-describedby': excerptId } : {}) }, text);
      link.addEventListener('click', open);
      main = link;
    } else {
      const button = h('button', { type: 'button', class: 'button button-small button-quiet' }, 'Mark read');
      button.addEventListener('click', open);
      main = h('span', null, text, n.read ? null : [' ', button]);
    }
    return h(
      'li',
      { class: `notification${n.read ? '' : ' is-unread'}`, 'data-notification-id': n.id },
      h('p', { class: 'notification-main' }, unreadLabel, unreadLabel ? ' ' : null, main),
      excerpt,
      h('p', { class: 'notification-meta muted' }, timeEl(n.createdAt), size),
    );
  }

  const add = (n: NotificationView, where: 'end' | 'start') => {
    if (items.has(n.id)) return;
    const element = render(n);
    items.set(n.id, { view: n, element });
    if (where === 'start') list.prepend(element);
    else list.append(element);
  };

  async function loadPage(reset: boolean): Promise<void> {
    region.setAttribute('aria-busy', 'true');
    moreError.replaceChildren();
    if (reset) {
      status.replaceChildren(loadingState('Loading notifications…'));
    } else {
      loadMore.textContent = 'Loading…';
      loadMore.setAttribute('aria-disabled', 'true');
    }
    try {
      const page = await api.get<Page<NotificationView> & { unread?: number }>(
        `/notifications${qs({ cursor: reset ? null : nextCursor, limit: PAGE_SIZE })}`,
        { signal },
      );
      if (typeof page?.unread === 'number') notifications.setUnread(page.unread);
      const before = list.lastElementChild;
      for (const n of page?.items ?? []) add(n, 'end');
      nextCursor = page?.nextCursor ?? null;
      loadMore.hidden = !nextCursor;
      status.replaceChildren();
      if (!items.size) status.replaceChildren(emptyState(h('p', null, 'Nothing here yet. When someone replies to your story, you will see it here.')));
      if (!reset) {
        const first = (before ? before.nextElementSibling : list.firstElementChild) as HTMLElement | null;
        first?.querySelector<HTMLElement>('a, button')?.focus();
      }
      renderMarkAll();
    } catch (error) {
      if (isAbort(error)) return;
      if (reset) status.replaceChildren(errorState(error, () => void loadPage(true), "We couldn't load your notifications."));
      else moreError.replaceChildren(h('p', { class: 'field-error', role: 'alert' }, `More notifications didn't load. ${describeError(error)} Try the button again.`));
    } finally {
      if (!signal.aborted) {
        region.setAttribute('aria-busy', 'false');
        loadMore.textContent = 'Load more notifications';
        loadMore.removeAttribute('aria-disabled');
      }
    }
  }

  loadMore.addEventListener(
    'click',
    () => {
      if (loadMore.getAttribute('aria-disabled') === 'true' || !nextCursor) return;
      void loadPage(false);
    },
    { signal },
  );

  markAll.addEventListener(
    'click',
    async () => {
      if (markAll.getAttribute('aria-disabled') === 'true') return;
      markAll.setAttribute('aria-disabled', 'true');
      markStatus.hidden = true;
      try {
        await notifications.markAllRead();
        for (const id of [...items.keys()]) markRead(id);
        announce('All notifications are marked read.');
        renderMarkAll();
        (outlet.querySelector<HTMLElement>('h1') ?? outlet).focus();
      } catch (error) {
        markStatus.textContent = `Couldn't mark them read. ${describeError(error)}`;
        markStatus.hidden = false;
      } finally {
        markAll.removeAttribute('aria-disabled');
      }
    },
    { signal },
  );

  /** Replaces a shown notification with its new view where it stands, keeping the keyboard focus on it. */
  const replace = (n: NotificationView) => {
    const item = items.get(n.id);
    if (!item) return;
    const hadFocus = item.element.contains(document.activeElement);
    const fresh = render(n);
    item.element.replaceWith(fresh);
    items.set(n.id, { view: n, element: fresh });
    if (hadFocus) fresh.querySelector<HTMLElement>('a, button')?.focus();
  };

  // New notifications while this screen is open appear at the top; a group that grew or shrank is replaced in place.
  notifications.addEventListener(
    'notification',
    (event) => {
      const n = (event as CustomEvent<NotificationView>).detail;
      if (!n) return;
      if (items.has(n.id)) replace(n);
      else add(n, 'start');
      status.replaceChildren();
      renderMarkAll();
    },
    { signal },
  );
  // Withdrawn ones (the reply or story behind them was hidden or removed) leave the list; focus moves to a neighbour.
  notifications.addEventListener(
    'removed',
    (event) => {
      for (const id of (event as CustomEvent<string[]>).detail ?? []) {
        const item = items.get(id);
        if (!item) continue;
        const hadFocus = item.element.contains(document.activeElement);
        const neighbour = (item.element.nextElementSibling ?? item.element.previousElementSibling) as HTMLElement | null;
        item.element.remove();
        items.delete(id);
        if (hadFocus) (neighbour?.querySelector<HTMLElement>('a, button') ?? outlet.querySelector<HTMLElement>('h1'))?.focus();
      }
      if (!items.size) status.replaceChildren(emptyState(h('p', null, 'Nothing here yet. When someone replies to your story, you will see it here.')));
      renderMarkAll();
    },
    { signal },
  );
  notifications.addEventListener('change', renderMarkAll, { signal });

  void loadPage(true);
}
