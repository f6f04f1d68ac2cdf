// Kind reasons a moderator can start from: the member affected reads the reason in their notification, so it is
// written to them ("to protect you from unkind replies"), never about them. A click fills the reason field; the
// moderator may still change it.
import type { FieldHandle } from '../components/field.js';
import { h } from '../dom.js';

export type ReasonUse = 'lock' | 'hide' | 'remove';

const TEMPLATES: Record<ReasonUse, string[]> = {
  lock: ['To protect you from unkind replies.', 'To let things settle for a while; your story stays up.', 'While a moderator checks in with you.'],
  hide: [
    'To protect you: it shared details that could identify you or someone else.',
    'It was unkind to someone sharing a hard moment.',
    'While a moderator checks in with you.',
  ],
  remove: ['It broke the community guidelines on kindness.', 'It was spam or advertising.', 'It shared details that could identify someone.'],
};

/** A row of template buttons that fill `field` with a kind reason for `use`. */
export function reasonTemplates(field: FieldHandle<HTMLTextAreaElement | HTMLInputElement>, use: ReasonUse | (() => ReasonUse)): HTMLElement {
  const row = h('div', { class: 'reason-templates', role: 'group', 'aria-label': 'Kind templates to start from' });
  const render = () => {
    const kind = typeof use === 'function' ? use() : use;
    row.replaceChildren(
      ...TEMPLATES[kind].map((text) => {
        const button = h('button', { type: 'button', class: 'button button-small button-quiet' }, text);
        button.addEventListener('click', () => {
          field.control.value = text;
          field.control.dispatchEvent(new Event('input', { bubbles: true }));
          field.control.focus();
        });
        return button;
      }),
    );
  };
  render();
  return Object.assign(row, { refresh: render });
}
