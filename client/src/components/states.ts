// Shared loading, empty and error states.
import { describeError, needsTwoFactor } from '../api.js';
import { h, type Child } from '../dom.js';

export function loadingState(text = 'Loading…'): HTMLElement {
  return h('p', { class: 'state state-loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

export function emptyState(...children: Child[]): HTMLElement {
  return h('div', { class: 'state state-empty' }, ...children);
}

/** An error message with a Retry button (role=alert so it is announced). */
export function errorState(error: unknown, retry: (() => void) | null, lead = "Something didn't load."): HTMLElement {
  return h(
    'div',
    { class: 'state state-error', role: 'alert' },
    h('p', null, h('strong', null, lead), ' ', describeError(error)),
    twoFactorLink(error),
    retry ? h('button', { type: 'button', class: 'button', onclick: () => retry() }, 'Retry') : null,
  );
}

/** For staff refused until they turn on two-factor sign-in: the way to the account settings. */
export function twoFactorLink(error: unknown): HTMLElement | null {
  return needsTwoFactor(error) ? h('p', null, h('a', { href: '/account#two-factor' }, 'Turn on two-factor sign-in in your account settings')) : null;
}
