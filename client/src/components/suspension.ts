// A suspension said up front (GET /api/auth/me carries suspendedUntil): a banner on every page with its end in
// the reader's own time, and composers closed with the same words, instead of a refusal after writing.
import { h } from '../dom.js';
import { session } from '../stores/session.js';
import { fullDate, untilInWords } from '../time.js';

/** "Your account is suspended until tomorrow at 14:00." and what the member can still do. */
export function suspensionText(until: Date): string {
  return `Your account is suspended until ${untilInWords(until.toISOString())}. You can still read, and you can write to the moderators.`;
}

/** The calm line across the app while the member is suspended. */
export function suspensionBanner(until: Date): HTMLElement {
  return h(
    'div',
    { class: 'break-banner suspension-banner' },
    h('p', null, 'Your account is suspended until ', h('time', { datetime: until.toISOString(), title: fullDate(until.toISOString()) }, untilInWords(until.toISOString())), '. You can still read.'),
    h('p', null, 'To ask why, or for help: ', h('a', { href: '/support' }, 'write to the moderators'), '.'),
  );
}

/** Closes a composer while the reader is suspended: says why at its top and disables what would send. Returns whether it did. */
export function closeWhileSuspended(form: HTMLFormElement): boolean {
  const until = session.suspendedUntil;
  if (!until) return false;
  form.prepend(h('p', { class: 'notice', role: 'status' }, suspensionText(until)));
  for (const el of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | HTMLButtonElement>('input, textarea, select, button')) el.disabled = true;
  return true;
}
