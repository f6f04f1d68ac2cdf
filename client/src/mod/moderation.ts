// /mod/* : the moderators' screens (staff only, loaded on demand). One h1 "Moderation", a sub-navigation of
// links, then the section: the review queue (/mod), alerts (/mod/alerts), reports (/mod/reports), the log (/mod/log), watched words
// (/mod/watched-words) and a member's page (/mod/users/:id).
import type { ModLogEntryView, Page, QueueItemView, Role } from '../../../src/contract/views.js';
import { api, ApiError, qs, seg } from '../api.js';
import { announce } from '../components/announcer.js';
import { alertRegion, fieldForm, FormErrors, selectField, submitForm, textField } from '../components/field.js';
import { confirmPanel, escapeCloses } from '../components/panels.js';
import { emptyState, errorState, loadingState } from '../components/states.js';
import { h, isAbort, replaceChildren, uid, type Child } from '../dom.js';
import type { RouteContext } from '../router.js';
import { session } from '../stores/session.js';
import { fullDate, longDate, timeEl } from '../time.js';
import { dutyPanel } from './duty.js';
import { busy, kindError, kindly, memberLink, reasonField, reasonProblem, showError } from './common.js';
import { alertsScreen } from './alerts.js';
import { authorText, card, checkInLink, doneLine, pagedList, serverHtml } from './parts.js';
import { reportsScreen } from './reports.js';
import { conversationScreen, conversationsScreen } from './support.js';

export type ModTab = 'queue' | 'alerts' | 'reports' | 'log' | 'words' | 'member' | 'support' | 'conversation';

const TABS: [ModTab, string, string][] = [
  ['queue', '/mod', 'Review queue'],
  ['alerts', '/mod/alerts', 'Alerts'],
  ['reports', '/mod/reports', 'Reports'],
  ['log', '/mod/log', 'Log'],
  ['words', '/mod/watched-words', 'Watched words'],
  ['support', '/mod/support', 'Messages'],
];

type QueueItem = QueueItemView;

type LogEntry = ModLogEntryView;

interface WatchedWord {
  id: string;
  pattern: string;
  action: string;
  createdAt: string;
}

interface ModMember {
  id: string;
  username: string;
  role: Role;
  createdAt: string;
  suspendedUntil: string | null;
  banned: boolean;
  history: { action: string; reason: string | null; createdAt: string }[];
  suggestedSuspensionDays: number;
}

const WORD_ACTIONS: [string, string, string][] = [
  ['flag', 'Flag', 'the post is published, and a report is opened for the moderators.'],
  ['hold', 'Hold', 'the post waits in the review queue until a moderator approves it.'],
  ['block', 'Block', 'the post is refused, and the writer is asked kindly to rephrase it.'],
  ['crisis', 'Crisis', 'the post is published, the writer is shown support, and a crisis report goes to the top.'],
];

const ACTIONS: Record<string, string> = {
  lock: 'locked',
  unlock: 'unlocked',
  pin: 'pinned',
  unpin: 'unpinned',
  hide: 'hidden',
  unhide: 'unhidden',
  restore: 'restored',
  remove: 'removed',
  approve: 'approved',
  reject: 'rejected',
  auto_hide: 'hidden automatically',
  settings: 'settings changed',
  suspend: 'suspended',
  ban: 'banned',
  unban: 'unbanned',
  role: 'role changed',
  reveal: 'author revealed',
  dismiss: 'dismissed',
  add: 'added',
};

const TARGETS: Record<string, string> = { thread: 'Story', reply: 'Reply', user: 'Member', author: 'Author', report: 'Report', watched_word: 'Watched word' };

const WHOLE: Record<string, string> = {
  'report.crisis': 'Crisis report opened',
  'report.flag': 'Flagged by a watched word',
  'report.hide': 'Report resolved: hidden',
  'report.remove': 'Report resolved: removed',
};

/** "thread.lock" → "Story locked"; unknown actions are shown as they are. */
function actionLabel(action: string): string {
  const [what = '', verb = ''] = action.split('.');
  return WHOLE[action] ?? (ACTIONS[verb] ? `${TARGETS[what] ?? what} ${ACTIONS[verb]}` : action);
}

export function moderationScreen(ctx: RouteContext, tab: ModTab): void {
  const body = h('div', { class: 'mod-body' });
  ctx.outlet.append(
    h(
      'section',
      { class: 'screen mod' },
      h('h1', null, 'Moderation'),
      dutyPanel(ctx.signal),
      h(
        'nav',
        { class: 'mod-nav', 'aria-label': 'Moderation sections' },
        h(
          'ul',
          null,
          TABS.map(([t, href, label]) => h('li', null, h('a', { href, 'aria-current': t === tab ? 'page' : null }, label))),
        ),
      ),
      body,
    ),
  );
  ({ queue: queueScreen, alerts: alertsScreen, reports: reportsScreen, log: logScreen, words: wordsScreen, member: memberScreen, support: conversationsScreen, conversation: conversationScreen })[tab](body, ctx);
}

// ---------- 1. review queue ----------

function queueScreen(body: HTMLElement, { signal, setTitle }: RouteContext): void {
  setTitle('Review queue');
  const paged = pagedList<QueueItem>(signal, (cursor) => `/mod/queue${qs({ cursor })}`, (item) => queueItem(item, signal), () => 'Nothing is waiting for review.', 'posts');
  body.append(
    h('h2', null, 'Review queue'),
    h('p', { class: 'hint' }, 'Posts held for review, oldest first (while no moderator is on duty: posts that mention crisis first, then the most reported). Members see them only once approved.'),
    paged.element,
  );
}

function queueItem(item: QueueItem, signal: AbortSignal): HTMLLIElement {
  const isStory = item.type === 'thread';
  const href = isStory ? `/stories/${seg(item.threadId)}` : `/stories/${seg(item.threadId)}#reply-${seg(item.id)}`;
  const approve = h('button', { type: 'button', class: 'button button-small button-primary' }, 'Approve');
  const reject = h('button', { type: 'button', class: 'button button-small' }, 'Reject…');
  const actions = h('div', { class: 'actions' }, approve, reject);
  const slot = h('div');
  const li = card(
    [isStory ? 'Story: ' : 'Reply in: ', h('a', { href }, item.title)],
    '',
    h('p', { class: 'muted' }, 'by ', authorText(item.author), ' · ', timeEl(item.createdAt)),
    item.crisis || item.openReports ? h('p', { class: 'card-badges' }, item.crisis ? h('span', { class: 'badge badge-warn' }, 'Mentions crisis') : null, item.openReports ? h('span', { class: 'badge' }, `${item.openReports} open report${item.openReports === 1 ? '' : 's'}`) : null) : null,
    serverHtml(item.bodyHtml, isStory ? 'What happened' : 'The reply'),
    checkInLink(item.author),
    actions,
    slot,
  );
  const finish = (text: string) => {
    const line = doneLine(text);
    actions.remove();
    slot.replaceChildren(line);
    line.focus();
  };
  approve.addEventListener('click', () =>
    void busy(approve, 'Approving…', async () => {
      try {
        await api.post(`/mod/queue/${seg(item.id)}/approve`, {}, { signal });
        finish('Approved: it is now visible to everyone.');
      } catch (error) {
        if (!isAbort(error)) slot.replaceChildren(h('p', { class: 'field-error', role: 'alert' }, kindly(error)));
      }
    }),
  );
  reject.addEventListener('click', () => {
    const reason = reasonField(true, 'Required, 3–500 characters. The author is told this reason.');
    const region = alertRegion();
    const errors = new FormErrors(region, [reason]);
    const send = h('button', { type: 'submit', class: 'button button-small button-danger' }, 'Reject post');
    const cancel = h('button', { type: 'button', class: 'button button-small' }, 'Cancel');
    const titleId = uid('reject');
    const form = h(
      'form',
      { class: 'inline-panel', novalidate: true, 'aria-labelledby': titleId },
      h('p', { class: 'inline-panel-title', id: titleId }, 'Reject this post'),
      region,
      reason.element,
      h('div', { class: 'actions' }, send, cancel),
    );
    const close = () => {
      slot.replaceChildren();
      reject.focus();
    };
    cancel.addEventListener('click', close);
    escapeCloses(form, close);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void busy(send, 'Rejecting…', async () => {
        if (!errors.check({ reason: reasonProblem(reason.control.value, true) })) return;
        try {
          await api.post(`/mod/queue/${seg(item.id)}/reject`, { reason: reason.control.value.trim() }, { signal });
          finish('Rejected. The author was told why.');
        } catch (error) {
          if (!isAbort(error)) showError(errors, error);
        }
      });
    });
    slot.replaceChildren(form);
    reason.control.focus();
  });
  return li;
}

// ---------- 3. log ----------

function logScreen(body: HTMLElement, { signal, setTitle, query }: RouteContext): void {
  setTitle('Moderation log');
  let target = query.get('target') ?? '';
  let username = query.get('username') ?? '';
  const field = textField({ name: 'target', label: 'Show only the entries about', hint: 'The id of a story, reply, member or watched word.', value: target, spellcheck: false });
  const member = textField({
    name: 'username',
    label: 'Or about the member',
    hint: 'A username: actions on their account and on their named posts (never their anonymous ones).',
    value: username,
    spellcheck: false,
    autocapitalize: 'off',
  });
  const clear = h('button', { type: 'button', class: 'button button-small', hidden: !target && !username }, 'Show everything');
  const filter = h(
    'form',
    { class: 'mod-inline', role: 'search', 'aria-label': 'Filter the log' },
    field.element,
    member.element,
    h('button', { type: 'submit', class: 'button button-small' }, 'Filter'),
    clear,
  );
  const paged = pagedList<LogEntry>(
    signal,
    (cursor) => `/mod/log${qs({ target, username, cursor })}`,
    logItem,
    () => (target || username ? 'Nothing in the log about that.' : 'The log is empty.'),
    'log entries',
  );
  const apply = (next: { target?: string; username?: string }) => {
    target = (next.target ?? '').trim();
    username = (next.username ?? '').trim();
    field.control.value = target;
    member.control.value = username;
    clear.hidden = !target && !username;
    history.replaceState(null, '', `/mod/log${qs({ target, username })}`);
    paged.reload();
  };
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    apply({ target: field.control.value, username: member.control.value });
  });
  clear.addEventListener('click', () => {
    apply({});
    field.control.focus();
  });
  paged.list.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest<HTMLElement>('[data-filter], [data-filter-user]') : null;
    if (!button) return;
    apply(button.dataset.filterUser ? { username: button.dataset.filterUser } : { target: button.dataset.filter ?? '' });
    (button.dataset.filterUser ? member : field).control.focus();
  });
  body.append(h('h2', null, 'Log'), filter, paged.element);
}

function logItem(e: LogEntry): HTMLLIElement {
  const id = e.targetId;
  const target: Child =
    e.targetType === 'thread'
      ? h('a', { href: `/stories/${seg(id)}` }, 'the story')
      : e.targetType === 'user'
        ? memberLink({ id, username: 'the member' })
        : `${(TARGETS[e.targetType] ?? e.targetType).toLowerCase()} ${id}`;
  const data = e.data && typeof e.data === 'object' ? Object.entries(e.data as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined) : [];
  const subject = e.subject && e.targetType !== 'user' ? e.subject : null;
  return card(
    actionLabel(e.action),
    'mod-log',
    h(
      'p',
      { class: 'muted' },
      e.actor ? ['by ', memberLink(e.actor)] : 'automatic',
      ' · ',
      h('time', { datetime: e.createdAt }, fullDate(e.createdAt)),
      ' · about ',
      target,
      ' ',
      h('button', { type: 'button', class: 'button button-small button-quiet', 'data-filter': id }, 'Only this', h('span', { class: 'sr-only' }, ` ${TARGETS[e.targetType] ?? 'target'}`)),
    ),
    e.target?.threadTitle || subject
      ? h(
          'p',
          { class: 'muted' },
          e.target?.threadTitle && e.targetType !== 'thread' ? ['in ', h('a', { href: `/stories/${seg(e.target.threadId ?? '')}` }, e.target.threadTitle)] : null,
          e.target?.threadTitle && e.targetType === 'thread' ? ['“', e.target.threadTitle, '”'] : null,
          subject ? [' · written by ', authorText(subject)] : null,
          subject && 'username' in subject
            ? [' ', h('button', { type: 'button', class: 'button button-small button-quiet', 'data-filter-user': subject.username }, 'Only this member', h('span', { class: 'sr-only' }, ` (${subject.username})`))]
            : null,
        )
      : null,
    e.target?.excerpt ? h('blockquote', { class: 'mod-quote' }, e.target.excerpt) : null,
    e.reason ? h('p', { class: 'pre-line' }, h('strong', null, 'Reason: '), e.reason) : null,
    data.length ? h('p', { class: 'muted' }, data.map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' · ')) : null,
  );
}

// ---------- 4. watched words ----------

function wordsScreen(body: HTMLElement, { signal, setTitle }: RouteContext): void {
  setTitle('Watched words');
  const pattern = textField({ name: 'pattern', label: 'Word or phrase', maxlength: 100, required: true, spellcheck: false, autocapitalize: 'off' });
  const name = uid('word-action');
  const legendId = uid('word-legend');
  const radios = WORD_ACTIONS.map(([value, label, text], i) => {
    const input = h('input', { type: 'radio', name, id: `${name}-${i}`, value, checked: i === 0 });
    return h('div', { class: 'checkbox-row' }, input, h('label', { for: `${name}-${i}` }, h('strong', null, label), ` — ${text}`));
  });
  const region = alertRegion();
  const errors = new FormErrors(region, [pattern]);
  const add = h('button', { type: 'submit', class: 'button button-primary' }, 'Add to the list');
  const status = h('p', { class: 'mod-status', role: 'status' });
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'aria-labelledby': legendId },
    region,
    pattern.element,
    h('fieldset', { class: 'report-reasons mod-choices' }, h('legend', { id: legendId }, 'When a post contains it'), radios),
    h('div', { class: 'actions' }, add),
    status,
  );
  const listRoot = h('div', { 'aria-busy': 'true' }, loadingState('Loading the watched words…'));
  const list = h('ul', { class: 'mod-list mod-words' });
  const emptyEl = emptyState(h('p', null, 'No watched words yet.'));

  const refreshEmpty = () => {
    emptyEl.hidden = list.childElementCount > 0;
  };
  const row = (w: WatchedWord): HTMLLIElement => {
    const del = h('button', { type: 'button', class: 'button button-small button-quiet' }, 'Delete', h('span', { class: 'sr-only' }, ` “${w.pattern}”`));
    const panelSlot = h('div');
    const li = h(
      'li',
      { class: 'mod-word', 'data-pattern': w.pattern },
      h('p', null, h('span', { class: 'mod-pattern' }, w.pattern), ' ', h('span', { class: 'badge' }, w.action), h('span', { class: 'muted' }, ' · added ', timeEl(w.createdAt)), ' ', del),
      panelSlot,
    );
    del.addEventListener('click', () => {
      const close = () => {
        panelSlot.replaceChildren();
        del.focus();
      };
      const panel = confirmPanel({
        message: `Remove “${w.pattern}” from the watched words?`,
        detail: 'Posts are no longer checked for it. Posts already held or flagged stay as they are.',
        confirmLabel: 'Remove',
        cancelLabel: 'Keep it',
        danger: true,
        onCancel: close,
        onConfirm: async () => {
          try {
            await api.del(`/mod/watched-words/${seg(w.id)}`, { signal });
          } catch (error) {
            if (!(error instanceof ApiError && error.status === 404)) throw kindError(error);
          }
          const next = li.nextElementSibling ?? li.previousElementSibling;
          li.remove();
          refreshEmpty();
          announce(`“${w.pattern}” was removed from the watched words.`);
          (next?.querySelector<HTMLElement>('button') ?? pattern.control).focus();
        },
      });
      panelSlot.replaceChildren(panel.element);
      panel.focus();
    });
    return li;
  };
  const insert = (w: WatchedWord) => {
    const el = row(w);
    const after = [...list.children].find((c) => ((c as HTMLElement).dataset.pattern ?? '') > w.pattern);
    list.insertBefore(el, after ?? null);
    refreshEmpty();
  };

  const load = async () => {
    listRoot.setAttribute('aria-busy', 'true');
    listRoot.replaceChildren(loadingState('Loading the watched words…'));
    try {
      const page = await api.get<Page<WatchedWord>>('/mod/watched-words', { signal });
      list.replaceChildren(...(page?.items ?? []).map(row));
      refreshEmpty();
      listRoot.replaceChildren(emptyEl, list);
    } catch (error) {
      if (isAbort(error)) return;
      listRoot.replaceChildren(errorState(error, () => void load(), "The watched words didn't load."));
    } finally {
      listRoot.setAttribute('aria-busy', 'false');
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = pattern.control.value.trim();
    const action = form.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)?.value ?? 'flag';
    const problem = !text ? 'Type a word or phrase.' : !/[\p{L}\p{N}]/u.test(text) ? 'It needs at least one letter or digit.' : null;
    if (!errors.check({ pattern: problem })) return;
    void busy(add, 'Adding…', async () => {
      status.textContent = '';
      try {
        const word = await api.post<WatchedWord>('/mod/watched-words', { pattern: text, action }, { signal });
        if (word) insert(word);
        pattern.control.value = '';
        status.textContent = `“${word?.pattern ?? text}” was added (${action}).`;
      } catch (error) {
        if (isAbort(error)) return;
        if (error instanceof ApiError && error.status === 409) {
          errors.check({ pattern: `“${text}” is already on the list.` });
        } else showError(errors, error);
      }
    });
  });

  body.append(
    h('h2', null, 'Watched words'),
    h('p', { class: 'hint' }, 'Posts are checked against these words and phrases, whatever their case, width or hidden characters.'),
    form,
    h('h3', null, 'On the list'),
    listRoot,
  );
  void load();
}

// ---------- 5. a member ----------

function memberScreen(body: HTMLElement, { signal, setTitle, params }: RouteContext): void {
  const id = params.id ?? '';
  setTitle('Member');
  const root = h('div', { 'aria-busy': 'true' });
  body.append(root);
  /** The message to show (and focus) after the page is drawn again. */
  let said: string | null = null;

  const load = async () => {
    root.setAttribute('aria-busy', 'true');
    root.replaceChildren(h('h2', null, 'Member'), loadingState('Loading this member…'));
    try {
      const m = await api.get<ModMember>(`/mod/users/${seg(id)}`, { signal });
      draw(m);
    } catch (error) {
      if (isAbort(error)) return;
      if (error instanceof ApiError && error.status === 404) {
        root.replaceChildren(h('h2', null, 'We couldn’t find this member'), h('p', null, 'The link may be wrong, or the account was erased.'));
      } else root.replaceChildren(h('h2', null, 'Member'), errorState(error, () => void load(), "This member's page didn't load."));
    } finally {
      root.setAttribute('aria-busy', 'false');
    }
  };

  /** Sends one member action; afterwards the page is loaded again with `done` said at the top. */
  const act = async (errors: FormErrors, send: () => Promise<unknown>, done: string) => {
    try {
      await send();
    } catch (error) {
      if (!isAbort(error)) showError(errors, error);
      return;
    }
    said = done;
    announce(done);
    await load();
  };

  function draw(m: ModMember): void {
    setTitle(`${m.username} · Moderation`);
    const admin = session.user?.role === 'admin';
    const self = m.id === session.user?.id;
    const staffTarget = m.role !== 'member';
    const state = m.banned
      ? h('span', { class: 'badge badge-warn' }, 'Banned')
      : m.suspendedUntil
        ? h('span', { class: 'badge badge-warn' }, `Suspended until ${fullDate(m.suspendedUntil)}`)
        : h('span', { class: 'badge' }, 'In good standing');
    const notice = self
      ? 'This is your own account: no one can suspend, ban or change their own account here.'
      : staffTarget && !admin
        ? `${m.username} is a ${m.role}: only an admin can suspend or ban them.`
        : null;

    // Suspend
    const days = textField({ name: 'days', label: 'Days', type: 'number', value: String(m.suggestedSuspensionDays), hint: `Suggested: ${m.suggestedSuspensionDays} day${m.suggestedSuspensionDays === 1 ? '' : 's'} (each suspension suggests a longer one: 1, 3, 7, 30). A suspended member can still read.` });
    days.control.min = '1';
    days.control.max = '365';
    days.control.inputMode = 'numeric';
    const suspendReason = reasonField(true, 'Required. The member is told this reason.');
    const suspendParts = fieldForm({ fields: [days, suspendReason], submit: 'Suspend', submitClass: 'button', labelledBy: 'mod-suspend' });
    const suspendForm = suspendParts.form;
    submitForm(suspendParts, {
      busyLabel: 'Suspending…',
      signal,
      read: () => Number(days.control.value),
      check: (n) => ({
        days: Number.isInteger(n) && n >= 1 && n <= 365 ? null : 'Give a whole number of days from 1 to 365.',
        reason: reasonProblem(suspendReason.control.value, true),
      }),
      send: (n) =>
        act(suspendParts.errors, () => api.post(`/mod/users/${seg(m.id)}/suspend`, { days: n, reason: suspendReason.control.value.trim() }, { signal }), `${m.username} is suspended for ${n} day${n === 1 ? '' : 's'}.`),
    });

    // Ban / unban
    const banSection = h('section', { 'aria-labelledby': 'mod-ban' }, h('h3', { id: 'mod-ban' }, m.banned ? 'Unban' : 'Ban'));
    if (m.banned) {
      const region = alertRegion();
      const errors = new FormErrors(region, []);
      const unban = h('button', { type: 'button', class: 'button' }, `Unban ${m.username}`);
      unban.addEventListener('click', () => void busy(unban, 'Unbanning…', () => act(errors, () => api.post(`/mod/users/${seg(m.id)}/unban`, {}, { signal }), `${m.username} is no longer banned and can sign in again.`)));
      banSection.append(h('p', null, 'This account is banned: its owner cannot sign in. Unbanning also ends any suspension.'), region, h('div', { class: 'actions' }, unban));
    } else {
      const reason = reasonField(true, 'Required. Kept in the log.');
      const region = alertRegion();
      const errors = new FormErrors(region, [reason]);
      const ban = h('button', { type: 'submit', class: 'button button-danger' }, `Ban ${m.username}…`);
      const confirmSlot = h('div');
      const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'mod-ban' }, region, reason.element, h('div', { class: 'actions' }, ban), confirmSlot);
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        if (!errors.check({ reason: reasonProblem(reason.control.value, true) })) return;
        const panel = confirmPanel({
          message: `Ban ${m.username}?`,
          detail: 'They are signed out everywhere at once and cannot sign in again until someone unbans them.',
          confirmLabel: `Ban ${m.username}`,
          danger: true,
          onCancel: () => {
            confirmSlot.replaceChildren();
            ban.focus();
          },
          onConfirm: async () => {
            await api.post(`/mod/users/${seg(m.id)}/ban`, { reason: reason.control.value.trim() }, { signal }).catch((error: unknown) => {
              throw kindError(error);
            });
            said = `${m.username} is banned and was signed out everywhere.`;
            announce(said);
            await load();
          },
        });
        confirmSlot.replaceChildren(panel.element);
        panel.focus();
      });
      banSection.append(form);
    }

    // Role (admins)
    let roleSection: HTMLElement | null = null;
    if (admin && !self) {
      const role = selectField({
        name: 'role',
        label: 'Role',
        options: [
          { value: 'member', label: 'Member' },
          { value: 'moderator', label: 'Moderator' },
          { value: 'admin', label: 'Admin' },
        ],
      });
      role.control.value = m.role;
      const parts = fieldForm({ fields: [role], submit: 'Change role', submitClass: 'button', labelledBy: 'mod-role' });
      submitForm(parts, {
        busyLabel: 'Saving…',
        signal,
        read: () => role.control.value,
        skip: (next) => {
          if (next !== m.role) return false;
          parts.errors.setGeneral(`${m.username} is already a ${next}.`);
          return true;
        },
        send: (next) => act(parts.errors, () => api.patch(`/mod/users/${seg(m.id)}`, { role: next }, { signal }), `${m.username} is now a ${next}.`),
      });
      const form = parts.form;
      roleSection = h('section', { 'aria-labelledby': 'mod-role' }, h('h3', { id: 'mod-role' }, 'Role'), form);
    }

    const status = said ? doneLine(said) : null;
    said = null;
    replaceChildren(
      root,
      h('h2', null, m.username, ' ', h('span', { class: 'badge' }, m.role)),
      h('p', { class: 'muted' }, 'Member since ', h('time', { datetime: m.createdAt }, longDate(m.createdAt)), ' · ', h('a', { href: `/u/${encodeURIComponent(m.username)}` }, 'Public profile')),
      self ? null : h('p', null, h('a', { href: `/mod/support/${seg(m.id)}`, class: 'button button-small' }, `Write to ${m.username}`)),
      h('p', null, state),
      status,
      notice ? h('div', { class: 'notice' }, h('p', null, notice)) : null,
      h('h3', null, 'History'),
      m.history.length
        ? h(
            'ul',
            { class: 'mod-history' },
            m.history.map((x) => h('li', null, h('strong', null, actionLabel(x.action)), ' · ', timeEl(x.createdAt), x.reason ? [' — ', x.reason] : null)),
          )
        : h('p', { class: 'muted' }, 'No moderation history.'),
      h('section', { 'aria-labelledby': 'mod-suspend' }, h('h3', { id: 'mod-suspend' }, 'Suspend'), suspendForm),
      banSection,
      roleSection,
    );
    status?.focus();
  }

  void load();
}
