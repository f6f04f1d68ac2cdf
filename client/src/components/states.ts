// Shared loading, empty and error states.
import { describeError } from '../api.js';
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
    retry ? h('button', { type: 'button', class: 'button', onclick: () => retry() }, 'Retry') : null,
  );
}
