// Small pieces shared by the moderation screens and the moderators' story tools. Everything under mod/ is
// loaded on demand (a dynamic import), so members never download it.
import { ApiError, describeError } from '../api.js';
import { textField, type FieldHandle, type FormErrors } from '../components/field.js';
import { h, type Child } from '../dom.js';

/** A reason for a moderator action: 3–500 characters when required (server: RequiredReasonDto), else optional. */
export function reasonField(required: boolean, hint: Child, label = 'Reason'): FieldHandle<HTMLTextAreaElement> {
  return textField({ name: 'reason', label, hint, multiline: true, rows: 2, maxlength: 500, required, optional: !required });
}

/** The client-side check of a reason (the server is the authority). */
export function reasonProblem(value: string, required: boolean): string | null {
  const n = value.trim().length;
  if (required && n < 3) return 'Give a reason of at least 3 characters. It is kept in the moderation log.';
  if (n > 500) return 'A reason can be at most 500 characters.';
  return null;
}

/** An API refusal (403) for a moderator, said plainly: it also says that nothing changed. */
export function kindError(error: unknown): unknown {
  if (!(error instanceof ApiError) || error.status !== 403) return error;
  return new ApiError({ statusCode: 403, code: error.code, message: `${error.message} Nothing was changed.` });
}

export const kindly = (error: unknown): string => describeError(kindError(error));

/** Shows an error in a form: field errors beside their fields, the rest (kindly) in the alert region. */
export function showError(errors: FormErrors, error: unknown): void {
  errors.show(kindError(error));
}

/** Runs an action from a button once at a time (aria-disabled while busy, with a busy label). */
export async function busy(button: HTMLButtonElement, label: string, run: () => Promise<void>): Promise<void> {
  if (button.getAttribute('aria-disabled') === 'true') return;
  const text = button.textContent ?? '';
  button.setAttribute('aria-disabled', 'true');
  button.textContent = label;
  try {
    await run();
  } finally {
    button.removeAttribute('aria-disabled');
    if (button.textContent === label) button.textContent = text;
  }
}

/** A link to the moderators' page for a member. */
export function memberLink(user: { id: string; username: string | null }): HTMLAnchorElement {
  return h('a', { href: `/mod/users/${encodeURIComponent(user.id)}` }, user.username ?? 'a former member');
}
