// Shared loading, empty and error states.
import { ApiError, describeError, needsTwoFactor } from '../api.js';
import { h, type Child } from '../dom.js';
import { reachability } from '../stores/reachability.js';

export function loadingState(text = 'Loading…'): HTMLElement {
  return h('p', { class: 'state state-loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

export function emptyState(...children: Child[]): HTMLElement {
  return h('div', { class: 'state state-empty' }, ...children);
}

/**
 * An error message with a Retry button (role=alert so it is announced). When the failure was the connection (no
 * network, or Setback not answering), the line goes by itself once Setback is back: Retry runs, or it is removed.
 */
export function errorState(error: unknown, retry: (() => void) | null, lead = "Something didn't load."): HTMLElement {
  const el = errorLine(error, retry, lead);
  if (error instanceof ApiError && error.isConnection) {
    reachability.whenBack(() => {
      if (!el.isConnected) return;
      if (retry) retry();
      else el.remove();
    });
  }
  return el;
}

function errorLine(error: unknown, retry: (() => void) | null, lead: string): HTMLElement {
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
