// Follow-ups: what happened next, added by the story's author under their story ("Three months later"), oldest
// first, each under the story's own author name or pseudonym. For the author: a form to add one, and the choice of
// a private reminder to come back and write one (PUT/DELETE /api/threads/:id/reminder).
import type { FollowUpView } from '../../../../src/contract/views.js';
import { api, describeError, seg } from '../../api.js';
import { announce } from '../announcer.js';
import { authorEl } from '../author.js';
import { ctrlEnterSubmits, fieldForm, selectField, submitForm, textField } from '../field.js';
import { h, setServerHtml, uid } from '../../dom.js';
import { longDate, timeEl } from '../../time.js';
import type { MyThread } from './types.js';

const NUMBERS = ['', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten', 'Eleven'];

/** How long after the story a follow-up came, as a person says it: "A few days later", "Three months later", "A year and two months later". */
export function laterInWords(storyAt: string, followUpAt: string): string {
  const a = new Date(storyAt);
  const b = new Date(followUpAt);
  const days = Math.floor((b.getTime() - a.getTime()) / 86_400_000);
  if (!Number.isFinite(days) || days < 1) return 'Later the same day';
  let months = (b.getFullYear() - a.getFullYear()) * 12 + (b.getMonth() - a.getMonth());
  if (b.getDate() < a.getDate()) months -= 1;
  if (months < 1) return days < 7 ? 'A few days later' : days < 14 ? 'A week later' : 'A few weeks later';
  if (months < 12) return months === 1 ? 'A month later' : `${NUMBERS[months]} months later`;
  const years = Math.floor(months / 12);
  const rest = months % 12;
  const y = years === 1 ? 'A year' : `${NUMBERS[years] ?? years} years`;
  return rest ? `${y} and ${rest === 1 ? 'a month' : `${NUMBERS[rest]!.toLowerCase()} months`} later` : `${y} later`;
}

/** The author's follow-up form: `/stories/<id>#add-follow-up` (where a reminder's notification leads) opens the story at it. */
export const ADD_FOLLOW_UP = 'add-follow-up';

const REMINDER_CHOICES = [
  { value: '', label: 'No reminder' },
  { value: '1', label: 'In a month' },
  { value: '3', label: 'In three months' },
  { value: '6', label: 'In six months' },
  { value: '12', label: 'In a year' },
];

export interface FollowUpsHost {
  signal: AbortSignal;
  me: string | null;
  /** Shows a newer view of the story made for this reader (a follow-up added, the reminder set). */
  apply(update: Partial<MyThread> & { id: string }): void;
}

export class FollowUps {
  readonly element: HTMLElement;
  readonly #list: HTMLOListElement;
  readonly #authorArea: HTMLElement;
  readonly #host: FollowUpsHost;
  readonly #headingId = uid('follow-ups');
  #thread: MyThread;
  #built = false;
  readonly #reminderNote: HTMLElement = h('p', { class: 'hint', role: 'status' });
  #reminderSelect: HTMLSelectElement | null = null;

  constructor(thread: MyThread, host: FollowUpsHost) {
    this.#thread = thread;
    this.#host = host;
    this.#list = h('ol', { class: 'follow-up-list' });
    this.#authorArea = h('div', { class: 'follow-up-author' });
    this.element = h(
      'section',
      { class: 'follow-ups', 'aria-labelledby': this.#headingId },
      h('h2', { id: this.#headingId }, 'What happened next'),
      this.#list,
      this.#authorArea,
    );
    this.update(thread);
  }

  update(thread: MyThread): void {
    this.#thread = thread;
    const items = thread.followUps ?? [];
    this.#list.replaceChildren(...items.map((f) => this.#item(f)));
    this.#list.hidden = items.length === 0;
    const author = Boolean(thread.mine) && !thread.deleted;
    this.element.hidden = items.length === 0 && !author;
    this.#authorArea.hidden = !author;
    if (author && !this.#built) this.#buildAuthorArea();
    if (author) this.#showReminder(thread.reminderAt ?? null);
  }

  #item(f: FollowUpView): HTMLLIElement {
    const body = h('div', { class: 'prose' });
    setServerHtml(body, f.bodyHtml);
    const headingId = `follow-up-${f.id}`;
    return h(
      'li',
      { class: 'follow-up', id: headingId },
      h('h3', { class: 'follow-up-when' }, laterInWords(this.#thread.createdAt, f.createdAt)),
      h('p', { class: 'follow-up-meta muted' }, 'by ', authorEl(this.#thread.author, this.#host.me, { mine: Boolean(this.#thread.mine) }), ' · ', timeEl(f.createdAt)),
      body,
    );
  }

  #buildAuthorArea(): void {
    this.#built = true;
    const { signal } = this.#host;
    const field = textField({
      name: 'body',
      label: 'Add a follow-up: how are things now?',
      hint: 'Readers see it under your story, with how long after the story you wrote it. Markdown works as in the story.',
      multiline: true,
      rows: 4,
      required: true,
    });
    const parts = fieldForm({ fields: [field], submit: 'Add follow-up', className: 'follow-up-form', label: 'Add a follow-up' });
    parts.form.id = ADD_FOLLOW_UP;
    submitForm(parts, {
      busyLabel: 'Adding…',
      signal,
      read: () => field.control.value,
      check: (text) => ({ body: text.trim() ? null : 'Write a few words first.' }),
      send: async (text) => {
        const created = await api.post<FollowUpView>(`/threads/${seg(this.#thread.id)}/follow-ups`, { body: text }, { signal });
        field.control.value = '';
        const known = this.#thread.followUps ?? [];
        if (!known.some((f) => f.id === created.id)) this.#host.apply({ id: this.#thread.id, followUps: [...known, created] });
        announce('Your follow-up was added under your story.');
      },
    });
    ctrlEnterSubmits(field.control, parts.form, signal);

    const reminder = selectField({
      name: 'inMonths',
      label: 'Remind me to add a follow-up',
      hint: 'A private notification, only for you. You can change or cancel it any time.',
      options: REMINDER_CHOICES,
    });
    this.#reminderSelect = reminder.control;
    reminder.control.addEventListener(
      'change',
      async () => {
        const value = reminder.control.value;
        const path = `/threads/${seg(this.#thread.id)}/reminder`;
        reminder.setError(null);
        try {
          if (value) {
            const res = await api.put<{ at: string }>(path, { inMonths: Number(value) }, { signal });
            this.#host.apply({ id: this.#thread.id, reminderAt: res.at });
          } else {
            await api.del(path, { signal });
            this.#host.apply({ id: this.#thread.id, reminderAt: null });
          }
        } catch (error) {
          reminder.setError(describeError(error));
          return;
        }
        announce(this.#reminderNote.textContent ?? '');
      },
      { signal },
    );
    this.#authorArea.replaceChildren(parts.form, h('div', { class: 'follow-up-reminder' }, reminder.element, this.#reminderNote));
    // the reminder's notification leads here: once the story is on screen, the form is scrolled to and ready to type in
    if (location.hash === `#${ADD_FOLLOW_UP}`) {
      requestAnimationFrame(() => {
        if (!field.control.isConnected) return;
        parts.form.scrollIntoView({ block: 'center' });
        field.control.focus({ preventScroll: true });
      });
    }
  }

  #showReminder(at: string | null): void {
    this.#reminderNote.textContent = at ? `We will remind you on ${longDate(at)}.` : 'No reminder set.';
    const select = this.#reminderSelect;
    if (select && !at) select.value = '';
    else if (select && at && !select.value) {
      // a reminder set earlier (another tab, another visit): the closest choice to how far ahead it is
      const months = (new Date(at).getTime() - Date.now()) / (30.44 * 86_400_000);
      select.value = String([1, 3, 6, 12].reduce((best, m) => (Math.abs(m - months) < Math.abs(best - months) ? m : best), 1));
    }
  }
}
