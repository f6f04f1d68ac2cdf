// Small inline panels used on the story screen instead of browser dialogs: a confirmation ("Delete this
// reply?"), and the report form. Each is a labelled group that takes focus when shown and closes on Escape.
import { api, ApiError, describeError } from '../api.js';
import { h, uid } from '../dom.js';
import { alertRegion, FormErrors, textField } from './field.js';

export interface ConfirmOptions {
  message: string;
  detail?: string;
  confirmLabel: string;
  cancelLabel?: string;
  danger?: boolean;
  /** Runs on confirm; a thrown error is shown in the panel and the panel stays. */
  onConfirm(): Promise<void>;
  onCancel(): void;
}

/** Closes a panel on Escape (unless something inside already handled it). */
export function escapeCloses(el: HTMLElement, close: () => void): void {
  el.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !event.defaultPrevented) {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  });
}

export function confirmPanel(o: ConfirmOptions): { element: HTMLElement; focus(): void } {
  const titleId = uid('confirm');
  const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const yes = h('button', { type: 'button', class: `button button-small ${o.danger ? 'button-danger' : 'button-primary'}` }, o.confirmLabel);
  const no = h('button', { type: 'button', class: 'button button-small' }, o.cancelLabel ?? 'Cancel');
  const element = h(
    'div',
    { class: 'inline-panel', role: 'group', 'aria-labelledby': titleId },
    h('p', { id: titleId, class: 'inline-panel-title' }, o.message),
    o.detail ? h('p', { class: 'muted' }, o.detail) : null,
    error,
    h('div', { class: 'actions' }, yes, no),
  );
  let busy = false;
  yes.addEventListener('click', async () => {
    if (busy) return;
    busy = true;
    yes.setAttribute('aria-disabled', 'true');
    error.hidden = true;
    try {
      await o.onConfirm();
    } catch (e) {
      error.textContent = describeError(e);
      error.hidden = false;
    } finally {
      busy = false;
      yes.removeAttribute('aria-disabled');
    }
  });
  no.addEventListener('click', () => o.onCancel());
  escapeCloses(element, () => o.onCancel());
  return { element, focus: () => yes.focus() };
}

export type ReportTarget = 'thread' | 'reply' | 'user';

const REASONS: { value: string; label: string }[] = [
  { value: 'harmful', label: 'Harmful or unkind' },
  { value: 'harassment', label: 'Harassment' },
  { value: 'spam', label: 'Spam' },
  { value: 'crisis', label: 'Someone may be in danger' },
  { value: 'other', label: 'Something else' },
];

/** The story's author, about a reply in their story while it asks people to just listen (the server checks it too). */
export const IGNORED_REPLY_MODE = { value: 'ignored_reply_mode', label: 'Ignored that I asked people to just listen' };

/** POST /api/reports {targetType, targetId, reason, note?}; `extraReasons` go first (reasons only some reporters have). */
export function reportPanel(
  targetType: ReportTarget,
  targetId: string,
  what: string,
  onClose: () => void,
  extraReasons: { value: string; label: string }[] = [],
): { element: HTMLElement; focus(): void } {
  const legendId = uid('report');
  const name = uid('reason');
  const radios = [...extraReasons, ...REASONS].map((r, i) => {
    const id = `${name}-${i}`;
    const input = h('input', { type: 'radio', name, id, value: r.value });
    return { input, row: h('div', { class: 'checkbox-row' }, input, h('label', { for: id }, r.label)) };
  });
  const reasonError = h('p', { class: 'field-error', hidden: true, id: uid('reason-error') });
  const note = textField({ name: 'note', label: 'Anything the moderators should know?', multiline: true, rows: 3, optional: true, maxlength: 1000 });
  const region = alertRegion();
  const errors = new FormErrors(region, [note]);
  const send = h('button', { type: 'submit', class: 'button button-small button-primary' }, 'Send report');
  const cancel = h('button', { type: 'button', class: 'button button-small' }, 'Cancel');
  const fieldset = h(
    'fieldset',
    { class: 'report-reasons', 'aria-describedby': reasonError.id },
    h('legend', { id: legendId }, `Report ${what}: what is wrong?`),
    radios.map((r) => r.row),
    reasonError,
  );
  const form = h(
    'form',
    { class: 'inline-panel report-form', novalidate: true, 'aria-labelledby': legendId },
    region,
    fieldset,
    note.element,
    h('p', { class: 'hint' }, 'Reports go to the moderators only; the member is not told who reported them.'),
    h('div', { class: 'actions' }, send, cancel),
  );
  const done = (message: string) => {
    const close = h('button', { type: 'button', class: 'button button-small' }, 'Close');
    close.addEventListener('click', onClose);
    form.replaceChildren(h('p', { role: 'status', tabindex: '-1' }, message), h('div', { class: 'actions' }, close));
    close.focus();
  };
  let busy = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    const reason = radios.find((r) => r.input.checked)?.input.value;
    if (!reason) {
      reasonError.textContent = 'Choose what is wrong.';
      reasonError.hidden = false;
      radios[0]?.input.focus();
      return;
    }
    reasonError.hidden = true;
    busy = true;
    send.setAttribute('aria-disabled', 'true');
    try {
      const text = note.control.value.trim();
      await api.post('/reports', { targetType, targetId, reason, note: text || undefined });
      done('Thank you. A moderator will look at it soon.');
    } catch (error) {
      const e = error instanceof ApiError ? error : null;
      if (e?.status === 404) errors.setGeneral('Reporting is not available yet.');
      else if (e?.code === 'ALREADY_REPORTED') done('You have already reported this. A moderator will look at it.');
      else errors.show(error);
    } finally {
      busy = false;
      send.removeAttribute('aria-disabled');
    }
  });
  cancel.addEventListener('click', onClose);
  escapeCloses(form, onClose);
  return { element: form, focus: () => radios[0]?.input.focus() };
}
