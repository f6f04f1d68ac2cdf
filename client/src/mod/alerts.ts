// /mod/alerts: what needs a moderator now — a crisis post, a crisis report, a post hidden after several reports.
// Open alerts oldest first (the one waiting longest on top), done ones most recently done first. New alerts arrive
// live. The post's words are blurred until the moderator chooses to read them: moderators need protecting too.
import type { AlertView } from '../../../src/contract/views.js';
import { api, qs, seg } from '../api.js';
import { announce } from '../components/announcer.js';
import { alertRegion, FormErrors, textField } from '../components/field.js';
import { h, isAbort, uid, type Child } from '../dom.js';
import type { RouteContext } from '../router.js';
import { alerts } from '../stores/alerts.js';
import { fullDate, timeEl } from '../time.js';
import { busy, memberLink, showError } from './common.js';
import { authorText, card, checkInLink, doneLine, pagedList } from './parts.js';

const KINDS: Record<AlertView['kind'], string> = {
  crisis_post: 'Crisis post',
  crisis_report: 'Crisis report',
  report_threshold: 'Hidden after several reports',
};

const WHY: Record<AlertView['kind'], string> = {
  crisis_post: 'The post matched a crisis phrase. Someone may be in danger: consider writing to them.',
  crisis_report: 'A member reported that someone may be in danger.',
  report_threshold: 'Several members reported it, so it was hidden until a moderator looks at it.',
};

export function alertsScreen(body: HTMLElement, { signal, setTitle, query }: RouteContext): void {
  const status: 'open' | 'done' = query.get('status') === 'done' ? 'done' : 'open';
  setTitle(status === 'done' ? 'Done alerts' : 'Alerts');
  const paged = pagedList<AlertView>(
    signal,
    (cursor) => `/mod/alerts${qs({ status, cursor })}`,
    (a) => alertItem(a, signal),
    () => (status === 'done' ? 'No alert has been marked done yet.' : 'No open alerts. Nobody is waiting for a moderator right now.'),
    'alerts',
  );
  body.append(
    h('h2', null, status === 'done' ? 'Done alerts' : 'Alerts'),
    h(
      'p',
      { class: 'hint' },
      status === 'done' ? 'Most recently done first. ' : 'Crisis posts, crisis reports and posts hidden after several reports; the one waiting longest first. ',
      h('a', { href: status === 'done' ? '/mod/alerts' : '/mod/alerts?status=done' }, status === 'done' ? 'Show open alerts' : 'Show done alerts'),
    ),
    paged.element,
  );
  if (status !== 'open') return;
  // live: a new alert joins the list; one marked done elsewhere says so on its card
  alerts.addEventListener(
    'alert',
    (event) => {
      const a = (event as CustomEvent<AlertView>).detail;
      const existing = paged.list.querySelector<HTMLElement>(`li[data-alert="${CSS.escape(a.id)}"]`);
      if (a.doneAt !== null) {
        existing?.querySelector('.mod-alert-done')?.replaceWith(doneBy(a));
        return;
      }
      if (existing) return;
      paged.list.querySelector('.state-empty')?.remove();
      paged.list.append(alertItem(a, signal));
      announce(`New alert: ${KINDS[a.kind]}.`);
    },
    { signal },
  );
}

function doneBy(a: AlertView): HTMLElement {
  return h(
    'p',
    { class: 'mod-done' },
    'Done',
    a.doneBy ? [' by ', memberLink(a.doneBy)] : null,
    a.doneAt ? [' · ', h('time', { datetime: a.doneAt }, fullDate(a.doneAt))] : null,
    a.note ? [' — ', a.note] : null,
  );
}

/** The post's words behind a blur, with a button to read them (and to blur them again). */
function veiled(text: string): HTMLElement {
  const quote = h('blockquote', { class: 'mod-quote mod-veil is-veiled', 'aria-hidden': 'true', id: uid('alert-text') }, text);
  const toggle = h('button', { type: 'button', class: 'button button-small', 'aria-expanded': 'false', 'aria-controls': quote.id }, 'Read the post');
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    toggle.textContent = open ? 'Blur it again' : 'Read the post';
    quote.classList.toggle('is-veiled', !open);
    if (open) quote.removeAttribute('aria-hidden');
    else quote.setAttribute('aria-hidden', 'true');
  });
  return h('div', { class: 'mod-veil-wrap' }, h('p', { class: 'hint' }, 'The words are blurred until you choose to read them.'), quote, h('div', { class: 'actions' }, toggle));
}

function alertItem(a: AlertView, signal: AbortSignal): HTMLLIElement {
  const story = a.threadId ? `/stories/${seg(a.threadId)}` : null;
  const href = story && a.targetType === 'reply' ? `${story}#reply-${seg(a.targetId)}` : story;
  const what: Child =
    a.targetType === 'user'
      ? ['about ', a.author && 'username' in a.author ? memberLink(a.author) : 'a member']
      : [a.targetType === 'reply' ? 'a reply in ' : '', href ? h('a', { href }, a.threadTitle ?? 'a story') : (a.threadTitle ?? 'a story')];
  const crisis = a.kind !== 'report_threshold';
  const li = card(
    [KINDS[a.kind], ': ', what],
    crisis ? 'is-crisis mod-alert' : 'mod-alert',
    crisis ? h('p', { class: 'mod-crisis' }, h('span', { class: 'badge badge-crisis' }, 'Crisis'), ' ', WHY[a.kind]) : h('p', null, WHY[a.kind]),
    h('p', { class: 'muted' }, a.author && a.targetType !== 'user' ? ['Written by ', authorText(a.author), ' · '] : null, 'raised ', timeEl(a.createdAt)),
    a.excerpt ? veiled(a.excerpt) : null,
    checkInLink(a.author),
    a.doneAt ? doneBy(a) : doneForm(a, signal),
  );
  li.dataset.alert = a.id;
  return li;
}

function doneForm(a: AlertView, signal: AbortSignal): HTMLElement {
  const note = textField({ name: 'note', label: 'What was done', optional: true, maxlength: 1000, hint: 'For the other moderators, e.g. “Wrote to them with the resources”.' });
  const region = alertRegion();
  const errors = new FormErrors(region, [note]);
  const send = h('button', { type: 'submit', class: 'button button-small button-primary' }, 'Mark done');
  const form = h('form', { class: 'mod-inline mod-alert-done', novalidate: true, 'aria-label': `Mark this alert done` }, region, note.element, send);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const card = form.closest('li');
    void busy(send, 'Saving…', async () => {
      let done: AlertView;
      try {
        done = await api.post<AlertView>(`/mod/alerts/${seg(a.id)}/done`, { note: note.control.value.trim() || undefined }, { signal });
      } catch (error) {
        if (!isAbort(error)) showError(errors, error);
        return;
      }
      const line = doneLine('Marked done. Thank you for looking after them.');
      // the live push may have beaten this answer and already put "Done by …" where the form was
      if (form.isConnected) form.replaceWith(line);
      else card?.querySelector('.mod-done')?.after(line);
      line.focus();
      alerts.received(done); // the badge, now: the live push may come a moment later
    });
  });
  return form;
}
