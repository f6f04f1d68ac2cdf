// The site header: for members the site name, "Write a story", notifications, the username and
// "Sign out"; for visitors the site name and the way in.
import { describeError } from '../api.js';
import { h } from '../dom.js';
import { session } from '../stores/session.js';

export interface HeaderOptions {
  /** Called after a successful sign-out. */
  onSignedOut(): void;
}

export function renderHeader(container: HTMLElement, options: HeaderOptions): void {
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

  const unread = user.unreadNotifications ?? 0;
  container.replaceChildren(
    h(
      'div',
      { class: 'header-inner' },
      brand,
      h(
        'nav',
        { class: 'header-nav', 'aria-label': 'Main' },
        h('a', { href: '/stories/new', class: 'nav-link nav-cta' }, 'Write a story'),
        h(
          'a',
          { href: '/notifications', class: 'nav-link' },
          'Notifications',
          unread > 0 ? h('span', { class: 'badge' }, h('span', { class: 'sr-only' }, ', '), `${unread}`, h('span', { class: 'sr-only' }, ' unread')) : null,
        ),
        session.isModerator ? h('a', { href: '/mod', class: 'nav-link' }, 'Moderation') : null,
      ),
      h(
        'div',
        { class: 'header-account' },
        h('span', { class: 'sr-only' }, 'Signed in as '),
        h('a', { href: `/u/${encodeURIComponent(user.username)}`, class: 'header-user' }, user.username),
        signOut,
        status,
      ),
    ),
  );
}

/** Marks the header link for the current page with aria-current="page". */
export function markCurrentLink(container: HTMLElement, pathname: string): void {
  for (const a of container.querySelectorAll<HTMLAnchorElement>('a[href]')) {
    const href = a.getAttribute('href') ?? '';
    if (href === pathname) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}
