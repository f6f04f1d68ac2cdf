// Reply mode: the author of a story says whether they would like people to just listen or welcome advice. The
// composer's radio group (replyModeField), and the words the story and the reply box use for each mode.
import type { ReplyMode } from '../../../src/contract/views.js';
import { h, uid } from '../dom.js';
import type { FieldHandle } from './field.js';

export const REPLY_MODE_CHOICES: { value: ReplyMode; label: string; hint: string }[] = [
  { value: 'listening', label: 'Just listening', hint: 'You would like people to hear you out and share what they relate to, without advice.' },
  { value: 'advice', label: 'Advice welcome', hint: 'You are open to suggestions and to what others tried in your place.' },
];

export const isReplyMode = (v: unknown): v is ReplyMode => v === 'listening' || v === 'advice';

/** The calm line near the reply box: what the story's author would like from readers. */
export function replyModeSentence(mode: ReplyMode, authorName: string): string {
  return mode === 'listening' ? `${authorName} would like people to just listen.` : `${authorName} welcomes advice.`;
}

/** The same line for the author themself. */
export function ownReplyModeSentence(mode: ReplyMode): string {
  return mode === 'listening' ? 'You asked people to just listen.' : 'You said advice is welcome.';
}

/**
 * Two radio buttons in a fieldset, each explained in one line. `control` is the first radio (where an error puts the
 * focus); `value()` is the chosen mode. The field is named `replyMode`, so a server field error lands beside it.
 */
export function replyModeField(initial: ReplyMode = 'advice', legend = 'How would you like people to reply?'): FieldHandle<HTMLInputElement> & {
  value(): ReplyMode;
  set(mode: ReplyMode): void;
  inputs: HTMLInputElement[];
} {
  const name = uid('reply-mode');
  const error = h('p', { class: 'field-error', hidden: true, id: uid('reply-mode-error') });
  const rows = REPLY_MODE_CHOICES.map((c) => {
    const id = `${name}-${c.value}`;
    const input = h('input', { type: 'radio', name, id, value: c.value, 'aria-describedby': `${id}-hint` });
    input.checked = c.value === initial;
    return {
      input,
      row: h('div', { class: 'choice' }, h('div', { class: 'checkbox-row' }, input, h('label', { for: id }, c.label)), h('p', { class: 'hint', id: `${id}-hint` }, c.hint)),
    };
  });
  const inputs = rows.map((r) => r.input);
  const element = h('fieldset', { class: 'choices reply-mode-field' }, h('legend', null, legend), rows.map((r) => r.row), error);
  return {
    name: 'replyMode',
    control: inputs[0]!,
    element,
    inputs,
    value: () => (inputs.find((i) => i.checked)?.value as ReplyMode | undefined) ?? 'advice',
    set(mode) {
      for (const i of inputs) i.checked = i.value === mode;
    },
    setError(message) {
      error.replaceChildren(...(message ? [h('span', { class: 'sr-only' }, 'Error: '), message] : []));
      error.hidden = !message;
      element.classList.toggle('has-error', Boolean(message));
      for (const input of inputs) {
        if (message) input.setAttribute('aria-invalid', 'true');
        else input.removeAttribute('aria-invalid');
        input.setAttribute('aria-describedby', [message ? error.id : null, `${input.id}-hint`].filter(Boolean).join(' '));
      }
    },
  };
}
