// A moderator's shift: "You are on duty until 18:30" with a button to end it, or a button to start one.
// While nobody is on duty the site is in safety mode (the banner every member sees says so).
import type { DutyView } from '../../../src/contract/views.js';
import { api, describeError } from '../api.js';
import { h } from '../dom.js';
import { busy } from './common.js';

const clock = (iso: string): string => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

export function dutyPanel(signal: AbortSignal): HTMLElement {
  const text = h('p', null, 'Checking your shift…');
  const button = h('button', { type: 'button', class: 'button button-small', hidden: true });
  const status = h('p', { class: 'muted', role: 'status' });
  const panel = h('div', { class: 'notice duty-panel' }, text, button, status);
  let duty: DutyView | null = null;
  const render = () => {
    if (!duty) return;
    text.textContent = duty.onDuty && duty.until
      ? `You are on duty until ${clock(duty.until)}. Members see that a moderator is around; posts that mention crisis publish at once.`
      : 'You are off duty. While no moderator is on duty, posts that mention crisis wait for review and members see a banner with crisis lines.';
    button.textContent = duty.onDuty ? 'End my shift' : 'Start a shift';
    button.hidden = false;
  };
  button.addEventListener('click', () =>
    void busy(button, duty?.onDuty ? 'Ending…' : 'Starting…', async () => {
      try {
        duty = await api.post<DutyView>('/mod/duty', { onDuty: !duty?.onDuty }, { signal });
        status.textContent = duty.onDuty ? 'Your shift has started.' : 'Your shift has ended. Thank you.';
        render();
      } catch (error) {
        status.textContent = `That didn't go through. ${describeError(error)}`;
      }
    }),
  );
  api
    .get<DutyView>('/mod/duty', { signal })
    .then((d) => {
      duty = d;
      render();
    })
    .catch((error: unknown) => {
      if (!signal.aborted) text.textContent = `Your shift could not be checked. ${describeError(error)}`;
    });
  return panel;
}
