// Labelled form fields with a hint and an error slot wired through aria-describedby / aria-invalid;
// FormErrors, which puts an API error's errors[] beside the right fields and the rest in a role=alert
// region; and fieldForm() / submitForm(), the markup and the one-submit-at-a-time wiring that forms share.
import { ApiError, describeError } from '../api.js';
import { append, h, isAbort, uid, type Child } from '../dom.js';
import { reachability } from '../stores/reachability.js';
import { twoFactorLink } from './states.js';

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

export interface FieldHandle<C extends Control = Control> {
  name: string;
  control: C;
  element: HTMLElement;
  setError(message: string | null): void;
}

function wire<C extends Control>(name: string, control: C, element: HTMLElement, hintId: string | null, errorSlot: HTMLElement): FieldHandle<C> {
  const errorId = uid(`${name}-error`);
  errorSlot.id = errorId;
  const describe = (withError: boolean) => {
    const ids = [withError ? errorId : null, hintId].filter(Boolean).join(' ');
    if (ids) control.setAttribute('aria-describedby', ids);
    else control.removeAttribute('aria-describedby');
  };
  describe(false);
  return {
    name,
    control,
    element,
    setError(message) {
      errorSlot.replaceChildren();
      if (message) {
        errorSlot.append(h('span', { class: 'sr-only' }, 'Error: '), message);
        errorSlot.hidden = false;
        control.setAttribute('aria-invalid', 'true');
        element.classList.add('has-error');
      } else {
        errorSlot.hidden = true;
        control.removeAttribute('aria-invalid');
        element.classList.remove('has-error');
      }
      describe(Boolean(message));
    },
  };
}

function labelText(label: string, optional?: boolean): Child[] {
  return [label, optional ? h('span', { class: 'optional' }, ' (optional)') : null];
}

export interface TextFieldOptions {
  name: string;
  label: string;
  hint?: Child;
  type?: string;
  autocomplete?: string;
  required?: boolean;
  optional?: boolean;
  multiline?: boolean;
  rows?: number;
  maxlength?: number;
  placeholder?: string;
  value?: string;
  spellcheck?: boolean;
  autocapitalize?: string;
}

export function textField(o: TextFieldOptions & { multiline: true }): FieldHandle<HTMLTextAreaElement>;
export function textField(o: TextFieldOptions): FieldHandle<HTMLInputElement>;
export function textField(o: TextFieldOptions): FieldHandle<HTMLInputElement | HTMLTextAreaElement> {
  const id = uid(o.name);
  const hintId = o.hint ? uid(`${o.name}-hint`) : null;
  const common = {
    id,
    name: o.name,
    autocomplete: o.autocomplete,
    required: o.required,
    'aria-required': o.required ? 'true' : undefined,
    maxlength: o.maxlength,
    placeholder: o.placeholder,
    spellcheck: o.spellcheck === undefined ? undefined : String(o.spellcheck),
    autocapitalize: o.autocapitalize,
  };
  const control = o.multiline
    ? h('textarea', { ...common, rows: o.rows ?? 6 })
    : h('input', { ...common, type: o.type ?? 'text' });
  if (o.value) control.value = o.value;
  const errorSlot = h('p', { class: 'field-error', hidden: true });
  const element = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, ...labelText(o.label, o.optional)),
    hintId ? h('p', { class: 'hint', id: hintId }, o.hint ?? null) : null,
    control,
    errorSlot,
  );
  return wire(o.name, control, element, hintId, errorSlot);
}

export interface SelectFieldOptions {
  name: string;
  label: string;
  hint?: Child;
  required?: boolean;
  options: { value: string; label: string }[];
}

export function selectField(o: SelectFieldOptions): FieldHandle<HTMLSelectElement> & { setOptions(options: { value: string; label: string }[]): void } {
  const id = uid(o.name);
  const hintId = o.hint ? uid(`${o.name}-hint`) : null;
  const control = h('select', { id, name: o.name, required: o.required, 'aria-required': o.required ? 'true' : undefined });
  const setOptions = (options: { value: string; label: string }[]) => {
    const current = control.value;
    control.replaceChildren(...options.map((opt) => h('option', { value: opt.value }, opt.label)));
    if (options.some((opt) => opt.value === current)) control.value = current;
  };
  setOptions(o.options);
  const errorSlot = h('p', { class: 'field-error', hidden: true });
  const element = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, o.label),
    hintId ? h('p', { class: 'hint', id: hintId }, o.hint ?? null) : null,
    control,
    errorSlot,
  );
  return { ...wire(o.name, control, element, hintId, errorSlot), setOptions };
}

export interface CheckboxFieldOptions {
  name: string;
  label: Child;
  hint?: Child;
  required?: boolean;
  checked?: boolean;
}

export function checkboxField(o: CheckboxFieldOptions): FieldHandle<HTMLInputElement> {
  const id = uid(o.name);
  const hintId = o.hint ? uid(`${o.name}-hint`) : null;
  const control = h('input', {
    id,
    name: o.name,
    type: 'checkbox',
    required: o.required,
    'aria-required': o.required ? 'true' : undefined,
  });
  control.checked = Boolean(o.checked);
  const errorSlot = h('p', { class: 'field-error', hidden: true });
  const element = h(
    'div',
    { class: 'field field-checkbox' },
    h('div', { class: 'checkbox-row' }, control, h('label', { for: id }, o.label)),
    hintId ? h('p', { class: 'hint', id: hintId }, o.hint ?? null) : null,
    errorSlot,
  );
  return wire(o.name, control, element, hintId, errorSlot);
}

/** The role=alert region for a form's general message. Present (empty) from the start so it is announced. */
export function alertRegion(): HTMLElement {
  return h('div', { class: 'form-alert', role: 'alert' });
}

/** Client-side checks of a form: field name → message (null or undefined when the field is fine). */
export type Problems = Record<string, string | null | undefined>;

export class FormErrors {
  readonly #fields: Map<string, FieldHandle>;
  readonly #region: HTMLElement;

  constructor(region: HTMLElement, fields: FieldHandle[]) {
    this.#region = region;
    this.#fields = new Map(fields.map((f) => [f.name, f]));
  }

  clear(): void {
    for (const f of this.#fields.values()) f.setError(null);
    this.#setGeneral(null);
  }

  /** Client-side checks: field name → message. Returns true when there were none. */
  check(problems: Problems): boolean {
    this.clear();
    const entries = Object.entries(problems).filter((e): e is [string, string] => Boolean(e[1]));
    for (const [name, message] of entries) this.#fields.get(name)?.setError(message);
    if (entries.length) {
      this.#setGeneral(entries.length === 1 ? 'Please check the field marked below.' : 'Please check the fields marked below.');
      this.#focusFirstInvalid();
      return false;
    }
    return true;
  }

  /** Shows an API error: field errors beside their fields, everything else in the alert region. */
  show(error: unknown): void {
    this.clear();
    const unmatched: string[] = [];
    let matched = 0;
    if (error instanceof ApiError) {
      for (const [field, message] of error.fieldErrors()) {
        const handle = this.#fields.get(field) ?? this.#fields.get(field.split('.')[0] ?? '');
        if (handle) {
          handle.setError(message);
          matched += 1;
        } else {
          unmatched.push(message);
        }
      }
    }
    const general =
      matched && !unmatched.length
        ? matched === 1
          ? 'Please check the field marked below.'
          : 'Please check the fields marked below.'
        : [describeError(error), ...unmatched].join(' ');
    this.#setGeneral(general);
    append(this.#region, twoFactorLink(error));
    if (matched) this.#focusFirstInvalid();
    if (error instanceof ApiError && error.isConnection) {
      // a connection problem is stale once Setback is back: the line goes (the words are still in the form)
      const line = this.#region.firstElementChild;
      reachability.whenBack(() => {
        if (line?.isConnected && line.parentElement === this.#region) this.#setGeneral(null);
      });
    }
  }

  setGeneral(message: string | null): void {
    this.#setGeneral(message);
  }

  #setGeneral(message: string | null): void {
    this.#region.replaceChildren();
    if (message) this.#region.append(h('p', null, message));
    this.#region.classList.toggle('is-visible', Boolean(message));
  }

  #focusFirstInvalid(): void {
    for (const f of this.#fields.values()) {
      if (f.control.getAttribute('aria-invalid') === 'true') {
        f.control.focus();
        return;
      }
    }
  }
}

export interface FieldFormOptions {
  fields: FieldHandle[];
  /** The submit button's text. */
  submit: string;
  /** The submit button's classes (default: a primary button). */
  submitClass?: string;
  /** A class for the form besides `form`. */
  className?: string;
  /** The form's name: the id of its heading (labelledBy), or words (label). */
  labelledBy?: string;
  label?: string;
  /** Before the alert region: a heading, a hint. */
  intro?: Child[];
  /** After the submit button, in the actions row: a Cancel button. */
  actions?: Child[];
}

/** A form with its errors and its submit button. */
export interface FormParts {
  form: HTMLFormElement;
  errors: FormErrors;
  submit: HTMLButtonElement;
}

/** A form of labelled fields: [intro], its alert region, the fields, then the actions with the submit button. */
export function fieldForm(o: FieldFormOptions): FormParts {
  const region = alertRegion();
  const submit = h('button', { type: 'submit', class: o.submitClass ?? 'button button-primary' }, o.submit);
  const form = h(
    'form',
    { class: o.className ? `form ${o.className}` : 'form', novalidate: true, 'aria-labelledby': o.labelledBy, 'aria-label': o.label },
    o.intro,
    region,
    o.fields.map((f) => f.element),
    h('div', { class: 'actions' }, submit, o.actions),
  );
  return { form, errors: new FormErrors(region, o.fields), submit };
}

export interface SubmitOptions<T = void> {
  /** What the submit button says (aria-disabled) while the form is being sent. */
  busyLabel: string;
  /** Reads the form when it is submitted; what it gives goes to check, skip and send. */
  read?(): T;
  /** Client-side checks (the server stays the authority). Without them, old errors are just cleared. */
  check?(values: T): Problems;
  /** Once the checks pass: return true to stop without sending (nothing changed). */
  skip?(values: T): boolean;
  /** Sends the form. What it throws is shown with failed, unless the request was aborted. */
  send(values: T): Promise<void>;
  /** Shows an error send threw (default: errors.show, beside the fields and in the alert region). */
  failed?(error: unknown): void;
  /** The screen's signal: leaving the screen removes the listener and quiets errors. */
  signal?: AbortSignal;
}

/**
 * Sends a form one submit at a time: its checks first, then send() with the submit button busy; an error
 * goes beside the fields and in the alert region, and the button is back to itself afterwards.
 */
export function submitForm<T = void>({ form, errors, submit }: FormParts, o: SubmitOptions<T>): void {
  const label = submit.textContent ?? '';
  let busy = false;
  form.addEventListener(
    'submit',
    async (event) => {
      event.preventDefault();
      if (busy) return;
      const values = o.read?.() as T;
      if (!o.check) errors.clear();
      else if (!errors.check(o.check(values))) return;
      if (o.skip?.(values)) return;
      busy = true;
      submit.setAttribute('aria-disabled', 'true');
      submit.textContent = o.busyLabel;
      try {
        await o.send(values);
      } catch (error) {
        if (isAbort(error) || o.signal?.aborted) return;
        if (o.failed) o.failed(error);
        else errors.show(error);
      } finally {
        busy = false;
        submit.removeAttribute('aria-disabled');
        submit.textContent = label;
      }
    },
    { signal: o.signal },
  );
}

/** Ctrl+Enter (⌘+Enter on a Mac) in a field sends its form. */
export function ctrlEnterSubmits(control: HTMLElement, form: HTMLFormElement, signal?: AbortSignal): void {
  control.addEventListener(
    'keydown',
    (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    },
    { signal },
  );
}
