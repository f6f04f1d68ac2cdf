// /mod/reports: open reports grouped per reported story, reply or member, crisis first. Each card shows what was
// reported (the excerpt, its author or pseudonym), how many members reported it and for which reasons, their
// notes, and one form that resolves every report of that target; hiding or removing needs a reason, which the
// author is told (kind templates to start from).
import type { ReportGroupView } from '../../../src/contract/views.js';
import { api, qs, seg } from '../api.js';
import { alertRegion, FormErrors, textField } from '../components/field.js';
import { h, isAbort, uid, type Child } from '../dom.js';
import type { RouteContext } from '../router.js';
import { fullDate, timeEl } from '../time.js';
import { busy, memberLink, reasonProblem, showError } from './common.js';
import { authorText, card, checkInLink, doneLine, pagedList } from './parts.js';
import { reasonTemplates, type ReasonUse } from './reason-templates.js';

export const REPORT_REASONS: Record<string, string> = {
  harmful: 'Harmful or unkind',
  harassment: 'Harassment',
  spam: 'Spam',
  crisis: 'Someone may be in danger',
  other: 'Something else',
  ignored_reply_mode: 'Ignored the author’s wish to be listened to (reported by the story’s author)',
};

export function reportsScreen(body: HTMLElement, { signal, setTitle }: RouteContext): void {
  setTitle('Reports');
  const paged = pagedList<ReportGroupView>(
    signal,
    (cursor) => `/mod/reports${qs({ status: 'open', cursor })}`,
    (group) => reportItem(group, signal),
    () => 'No open reports. Thank you for keeping an eye out.',
    'reports',
  );
  body.append(
    h('h2', null, 'Reports'),
    h('p', { class: 'hint' }, 'Open reports, one card per reported post or member: crisis first, then the one waiting longest.'),
    paged.element,
  );
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function reportItem(g: ReportGroupView, signal: AbortSignal): HTMLLIElement {
  const crisis = (g.reasons.crisis ?? 0) > 0;
  const story = g.threadId ? `/stories/${seg(g.threadId)}` : null;
  const title = g.threadTitle ?? 'a story';
  const heading: Child =
    g.targetType === 'user'
      ? ['Member: ', g.author && 'username' in g.author ? memberLink(g.author) : memberLink({ id: g.targetId, username: 'open their page' })]
      : g.targetType === 'reply'
        ? ['Reply in: ', story ? h('a', { href: `${story}#reply-${seg(g.targetId)}` }, title) : title]
        : ['Story: ', story ? h('a', { href: story }, title) : title];
  const reasons = Object.entries(g.reasons)
    .sort(([a], [b]) => (a === 'crisis' ? -1 : b === 'crisis' ? 1 : a.localeCompare(b)))
    .map(([reason, n]) => h('li', null, REPORT_REASONS[reason] ?? reason, n > 1 ? h('span', { class: 'badge badge-count' }, String(n)) : null));
  const who = [g.reporters ? `Reported by ${plural(g.reporters, 'member')}` : null, g.automatic ? (g.reporters ? 'and the automatic check' : 'Found by the automatic check') : null]
    .filter(Boolean)
    .join(' ');
  const li = card(
    heading,
    crisis ? 'is-crisis' : '',
    crisis ? h('p', { class: 'mod-crisis' }, h('span', { class: 'badge badge-crisis' }, 'Crisis'), ' Someone may be in danger. Please look at this first, gently.') : null,
    g.author && g.targetType !== 'user' ? h('p', { class: 'muted' }, 'Written by ', authorText(g.author)) : null,
    g.excerpt ? h('blockquote', { class: 'mod-quote' }, g.excerpt) : null,
    h('ul', { class: 'report-reasons-list', 'aria-label': 'Why it was reported' }, reasons),
    h(
      'p',
      { class: 'muted' },
      who,
      ' · first ',
      timeEl(g.firstAt),
      g.lastAt !== g.firstAt ? [' · last ', h('time', { datetime: g.lastAt }, fullDate(g.lastAt))] : null,
    ),
    g.notes.length ? h('ul', { class: 'mod-notes', 'aria-label': 'Notes from the reports' }, g.notes.map((n) => h('li', { class: 'pre-line' }, n))) : null,
    checkInLink(g.author),
    resolveForm(g, signal),
  );
  li.dataset.target = `${g.targetType}:${g.targetId}`;
  return li;
}

function resolveForm(g: ReportGroupView, signal: AbortSignal): HTMLElement {
  const name = uid('resolve');
  const legendId = uid('resolve-legend');
  const count = g.reportIds.length;
  const options: [string, string][] =
    g.targetType === 'user'
      ? [['dismiss', 'Dismiss (use the member page to suspend or ban)']]
      : [
          ['dismiss', 'Dismiss — nothing needs to change'],
          ['hide', 'Hide it from members (can be undone; the author is told why)'],
          ['remove', 'Remove it (the author is told why)'],
        ];
  const radios = options.map(([value, label], i) => {
    const input = h('input', { type: 'radio', name, id: `${name}-${i}`, value });
    return { input, row: h('div', { class: 'checkbox-row' }, input, h('label', { for: `${name}-${i}` }, label)) };
  });
  const choiceError = h('p', { class: 'field-error', hidden: true, id: uid('resolve-error') });
  const note = textField({
    name: 'note',
    label: 'Reason',
    multiline: true,
    rows: 2,
    maxlength: 500,
    hint: 'Needed to hide or remove: the author reads it. Kept in the log.',
  });
  const chosen = (): string | undefined => radios.find((x) => x.input.checked)?.input.value;
  const templates = reasonTemplates(note, (): ReasonUse => (chosen() === 'remove' ? 'remove' : 'hide')) as HTMLElement & { refresh(): void };
  templates.hidden = true;
  for (const { input } of radios) {
    input.addEventListener('change', () => {
      templates.hidden = chosen() === 'dismiss' || !chosen();
      templates.refresh();
    });
  }
  const region = alertRegion();
  const errors = new FormErrors(region, [note]);
  const send = h('button', { type: 'submit', class: 'button button-small button-primary' }, count > 1 ? `Resolve all ${count} reports` : 'Resolve report');
  const form = h(
    'form',
    { class: 'mod-resolve', novalidate: true, 'aria-labelledby': legendId },
    region,
    h(
      'fieldset',
      { class: 'report-reasons mod-choices', 'aria-describedby': choiceError.id },
      h('legend', { id: legendId }, count > 1 ? `Resolve these ${count} reports` : 'Resolve this report'),
      radios.map((x) => x.row),
      choiceError,
    ),
    note.element,
    templates,
    h('div', { class: 'actions' }, send),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const action = chosen();
    if (!action) {
      choiceError.textContent = 'Choose how to resolve it.';
      choiceError.hidden = false;
      radios[0]?.input.focus();
      return;
    }
    choiceError.hidden = true;
    void busy(send, 'Resolving…', async () => {
      const text = note.control.value.trim();
      const problem = action === 'dismiss' ? (text ? reasonProblem(text, true) : null) : reasonProblem(text, true);
      if (!errors.check({ note: problem })) return;
      try {
        // any id of the group resolves every open report of the target
        await api.post(`/mod/reports/${seg(g.reportIds[0] ?? '')}/resolve`, { action, note: text || undefined }, { signal });
      } catch (error) {
        if (!isAbort(error)) showError(errors, error);
        return;
      }
      const done = { dismiss: 'dismissed', hide: 'hidden from members', remove: 'removed' }[action] ?? action;
      const line = doneLine(`Resolved: ${done}. ${count > 1 ? 'The reporters are' : 'The reporter is'} thanked, without details.`);
      form.replaceWith(line);
      line.focus();
    });
  });
  return form;
}
