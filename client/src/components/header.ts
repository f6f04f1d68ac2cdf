// The site header: for members the site name, "Write a story", notifications, the username and
// "Sign out"; for visitors the site name and the way in.
import type { NotificationView } from '../../../src/contract/views.js';
import { api, describeError } from '../api.js';
import { h } from '../dom.js';
import { live, type LiveState } from '../stores/live.js';
import { notifications } from '../stores/notifications.js';
import { alerts } from '../stores/alerts.js';
import { session } from '../stores/session.js';
import { fullDate } from '../time.js';
import { announce } from './announcer.js';
import { suspensionBanner } from './suspension.js';

/** Listeners of the header on show; replaced with it. */
let listeners: AbortController | null = null;

const LIVE_TEXT: Record<LiveState, string> = { online: 'Online', connecting: 'Connecting…', offline: 'Offline' };

/** The connection indicator: a shape and a word, never colour alone. */
function connectionIndicator(signal: AbortSignal): HTMLElement {
  const text = h('span', { class: 'live-text' });
  const el = h('span', { class: 'live-status', 'data-state': live.state, title: 'Live updates' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), text);
  let lastSaid: LiveState | null = null;
  let sayTimer: ReturnType<typeof setTimeout> | undefined;
  const render = () => {
    const state = live.state;
    el.dataset.state = state;
    text.textContent = state === 'connecting' && live.reconnecting ? 'Reconnecting…' : LIVE_TEXT[state];
    // Tell screen-reader users when live updates stop or come back, once things settle.
    if (sayTimer !== undefined) clearTimeout(sayTimer);
    sayTimer = setTimeout(() => {
      const now = live.state;
      if (now === 'connecting') return;
      if (lastSaid === null) lastSaid = now === 'online' ? 'online' : null;
      if (now === lastSaid) return;
      if (now === 'offline') announce('You are offline. New replies will appear when the connection is back.');
      else if (lastSaid === 'offline') announce('Back online.');
      lastSaid = now;
    }, 1500);
  };
  live.addEventListener('change', render, { signal });
  signal.addEventListener('abort', () => clearTimeout(sayTimer));
  render();
  return el;
}

function unreadBadge(signal: AbortSignal): HTMLElement {
  const badge = h('span', { class: 'badge badge-count' });
  const render = () => {
    const n = notifications.unread;
    badge.hidden = n === 0;
    badge.replaceChildren(h('span', { class: 'sr-only' }, ', '), `${n > 99 ? '99+' : n}`, h('span', { class: 'sr-only' }, ' unread'));
  };
  notifications.addEventListener('change', render, { signal });
  render();
  return badge;
}

/**
 * "Notifications" with the unread count; the latest one pushed live (who, what, and its excerpt: "Maya and 2 others
 * replied to your story …") is its description (a tooltip, and read after the link's name), until all are read.
 */
function notificationsLink(signal: AbortSignal): HTMLElement {
  const link = h('a', { href: '/notifications', class: 'nav-link' }, 'Notifications', unreadBadge(signal));
  notifications.addEventListener(
    'notification',
    (event) => {
      const n = (event as CustomEvent<NotificationView>).detail;
      if (!n || n.read) return;
      link.title = `Latest: ${n.text}${n.excerpt ? ` — “${n.excerpt}”` : ''}`;
    },
    { signal },
  );
  notifications.addEventListener('change', () => notifications.unread === 0 && link.removeAttribute('title'), { signal });
  return link;
}

/** Staff: the alerts waiting for a moderator, kept current live. */
function alertsBadge(signal: AbortSignal): HTMLElement {
  const badge = h('span', { class: 'badge badge-count badge-alert' });
  const render = () => {
    const n = alerts.open;
    badge.hidden = n === 0;
    badge.replaceChildren(h('span', { class: 'sr-only' }, ', '), `${n > 99 ? '99+' : n}`, h('span', { class: 'sr-only' }, ' open'));
  };
  alerts.addEventListener('change', render, { signal });
  render();
  return badge;
}

/** The calm line across the app while the member is on a break, with a way to end it. */
function breakBanner(until: Date): HTMLElement {
  const status = h('span', { class: 'header-status', role: 'status' });
  const end = h('button', { type: 'button', class: 'button button-small' }, 'End my break');
  end.addEventListener('click', async () => {
    if (end.getAttribute('aria-disabled') === 'true') return;
    end.setAttribute('aria-disabled', 'true');
    status.textContent = '';
    try {
      await api.del('/me/break');
      // The banner goes with the header redraw: focus moves to the page, and the news is said.
      document.getElementById('main')?.focus({ preventScroll: true });
      session.setBreak(null);
      announce('Your break has ended. Notifications are on again.');
    } catch (error) {
      end.removeAttribute('aria-disabled');
      status.textContent = `Couldn't end the break: ${describeError(error)}`;
    }
  });
  return h(
    'div',
    { class: 'break-banner' },
    h('p', null, `You're taking a break until ${fullDate(until.toISOString())}. Notifications are paused.`),
    end,
    status,
  );
}

export interface HeaderOptions {
  /** Called after a successful sign-out. */
  onSignedOut(): void;
}

export function renderHeader(container: HTMLElement, options: HeaderOptions): void {
  listeners?.abort();
  listeners = new AbortController();
  const signal = listeners.signal;
  const user = session.user;
  const brand = h('a', { class: 'brand', href: user ? '/' : '/welcome' }, 'Setback');
  if (!user) {
    container.replaceChildren(
      h(
        'div',
        { class: 'header-inner' },
        brand,
        h(
          'nav',
          { class: 'header-nav', 'aria-label': 'Account' },
          h('a', { href: '/help', class: 'nav-link nav-help' }, 'Get help now'),
          h('a', { href: '/signin', class: 'nav-link' }, 'Sign in'),
          h('a', { href: '/signup', class: 'nav-link nav-cta' }, 'Join'),
        ),
      ),
    );
    return;
  }

  const status = h('span', { class: 'header-status', role: 'status' });
  const signOut = h('button', { type: 'button', class: 'button button-quiet button-small' }, 'Sign out');
  signOut.addEventListener('click', async () => {
    if (signOut.getAttribute('aria-disabled') === 'true') return;
    signOut.setAttribute('aria-disabled', 'true');
    status.textContent = '';
    try {
      await session.signOut();
      options.onSignedOut();
    } catch (error) {
      status.textContent = `Couldn't sign out: ${describeError(error)}`;
    } finally {
      signOut.removeAttribute('aria-disabled');
    }
  });

  container.replaceChildren(
    h(
      'div',
      { class: 'header-inner' },
      brand,
      h(
        'nav',
        { class: 'header-nav', 'aria-label': 'Main' },
        h('a', { href: '/stories/new', class: 'nav-link nav-cta' }, 'Write a story'),
        h('a', { href: '/lessons', class: 'nav-link' }, 'Lessons'),
        notificationsLink(signal),
        session.isModerator ? h('a', { href: '/mod', class: 'nav-link' }, 'Moderation') : null,
        session.isModerator ? h('a', { href: '/mod/alerts', class: 'nav-link' }, 'Alerts', alertsBadge(signal)) : null,
      ),
      h(
        'div',
        { class: 'header-account' },
        connectionIndicator(signal),
        h('span', { class: 'sr-only' }, 'Signed in as '),
        h('a', { href: `/u/${encodeURIComponent(user.username)}`, class: 'header-user' }, user.username),
        h('a', { href: '/support', class: 'nav-link' }, 'Messages from the team'),
        h('a', { href: '/account', class: 'nav-link' }, 'Account'),
        h('a', { href: '/help', class: 'nav-link nav-help' }, 'Get help now'),
        signOut,
        status,
      ),
    ),
  );
  const until = session.breakUntil;
  if (until) container.append(breakBanner(until));
  const suspended = session.suspendedUntil;
  if (suspended) container.append(suspensionBanner(suspended));
}

/** Marks the header link for the current page with aria-current="page". */
export function markCurrentLink(container: HTMLElement, pathname: string): void {
  for (const a of container.querySelectorAll<HTMLAnchorElement>('a[href]')) {
    const href = a.getAttribute('href') ?? '';
    if (href === pathname) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}
