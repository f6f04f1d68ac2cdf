// Editing in place (the author's own story or reply): loadForEditing() fetches what the editor needs with
// its trigger busy, and editForm() is the form itself — fields, Save and Cancel; Cancel or Escape closes it,
// an unchanged form just closes, and a refusal stays beside the fields.
import { describeError } from '../api.js';
import { h, isAbort, type Child } from '../dom.js';
import { announce } from './announcer.js';
import { fieldForm, submitForm, type FieldHandle, type Problems } from './field.js';
import { escapeCloses } from './panels.js';

/**
 * Runs load() with the trigger aria-disabled. When it fails, says that `what` could not be opened for
 * editing (quietly when the screen was left) and resolves with null.
 */
export async function loadForEditing<T>(trigger: HTMLElement, what: string, load: () => Promise<T>): Promise<{ value: T } | null> {
  trigger.setAttribute('aria-disabled', 'true');
  try {
    return { value: await load() };
  } catch (error) {
    if (!isAbort(error)) announce(`${what} could not be opened for editing. ${describeError(error)}`);
    return null;
  } finally {
    trigger.removeAttribute('aria-disabled');
  }
}

export interface EditFormOptions<T> {
  fields: FieldHandle[];
  /** The form's own class (besides `form`). */
  className: string;
  /** The id of the form's heading, when it has one (in intro). */
  labelledBy?: string;
  /** Before the alert region: a heading, a hint. */
  intro?: Child[];
  saveLabel: string;
  /** Small buttons (inside a reply). */
  small?: boolean;
  /** Closes the editor (Cancel, Escape, or nothing changed); focus goes back where it belongs. */
  close(): void;
  /** Reads the fields. */
  read(): T;
  /** Client-side checks (the server stays the authority). */
  check(values: T): Problems;
  /** Nothing changed: the editor closes without a request. */
  unchanged(values: T): boolean;
  /** Sends the change and shows the result (closing the editor). */
  save(values: T): Promise<void>;
}

export function editForm<T>(o: EditFormOptions<T>): HTMLFormElement {
  const buttonClass = o.small ? 'button button-small' : 'button';
  const cancel = h('button', { type: 'button', class: buttonClass }, 'Cancel');
  const parts = fieldForm({
    fields: o.fields,
    submit: o.saveLabel,
    submitClass: `${buttonClass} button-primary`,
    className: o.className,
    labelledBy: o.labelledBy,
    intro: o.intro,
    actions: [cancel],
  });
  cancel.addEventListener('click', o.close);
  escapeCloses(parts.form, o.close);
  submitForm(parts, {
    busyLabel: 'Saving…',
    read: o.read,
    check: o.check,
    skip: (values) => {
      if (!o.unchanged(values)) return false;
      o.close();
      return true;
    },
    send: o.save,
  });
  return parts.form;
}
