// The moderators' controls on a story page (staff only, loaded on demand): lock, pin, hide, restore, slow
// mode, move, reveal the author of an anonymous story, each with an optional reason; and the inline panel for
// a reply's hide / unhide / restore / reveal.
import { api, seg } from '../api.js';
import { announce } from '../components/announcer.js';
import { alertRegion, FormErrors, selectField, textField } from '../components/field.js';
import { escapeCloses } from '../components/panels.js';
import type { AnyReply, ReplyAction } from '../components/story/reply-item.js';
import type { MyThread, ReplyPanelHost, ThreadToolsHost } from '../components/story/types.js';
import { h, isAbort, uid } from '../dom.js';
import { categories } from '../stores/categories.js';
import { busy, memberLink, reasonField, reasonProblem, showError } from './common.js';
import { reasonTemplates } from './reason-templates.js';

interface Revealed {
  user: { id: string; username: string };
}

const revealed = (user: Revealed['user']): HTMLElement[] => [
  h('span', null, 'Written by '),
  memberLink(user),
  h('span', null, '. This reveal was logged with your reason.'),
];

export function threadTools(host: ThreadToolsHost): { element: HTMLElement; update(thread: MyThread): void } {
  const { signal } = host;
  const titleId = uid('mod-tools');
  const reason = reasonField(false, 'Needed to lock, hide or reveal the author; optional otherwise. It is logged, and the author is told.');
  const slow = textField({ name: 'slowModeSeconds', label: 'Slow mode: seconds between replies', hint: '0 turns slow mode off.', type: 'number' });
  slow.control.min = '0';
  slow.control.max = '86400';
  slow.control.inputMode = 'numeric';
  const category = selectField({ name: 'category', label: 'Category', options: [] });
  const region = alertRegion();
  const errors = new FormErrors(region, [reason, slow, category]);
  const status = h('p', { class: 'mod-status', role: 'status' });
  const state = h('p', { class: 'mod-status' });
  const buttons = h('div', { class: 'actions', role: 'group', 'aria-label': 'Moderate this story' });
  const slowSave = h('button', { type: 'submit', class: 'button button-small' }, 'Set slow mode');
  const move = h('button', { type: 'submit', class: 'button button-small' }, 'Move story');
  const slowForm = h('form', { class: 'mod-inline', novalidate: true }, slow.element, slowSave);
  const moveForm = h('form', { class: 'mod-inline', novalidate: true }, category.element, move);
  const element = h(
    'section',
    { class: 'mod-tools', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, 'Moderator tools'),
    h('p', { class: 'hint' }, 'Only moderators see these. Every action is logged.'),
    state,
    region,
    reason.element,
    reasonTemplates(reason, 'lock'),
    buttons,
    slowForm,
    moveForm,
    status,
  );

  const reasonValue = () => reason.control.value.trim() || undefined;
  const path = () => `/mod/threads/${seg(host.thread().id)}`;

  /** Sends one action; on success says `done`, clears the reason and shows the story afresh. */
  const run = (button: HTMLButtonElement, send: () => Promise<unknown>, done: string, needsReason = false) =>
    busy(button, 'Working…', async () => {
      status.textContent = '';
      if (!errors.check({ reason: reasonProblem(reason.control.value, needsReason) })) return;
      try {
        await send();
      } catch (error) {
        if (!isAbort(error)) showError(errors, error);
        return;
      }
      reason.control.value = '';
      status.textContent = done;
      await host.refresh().catch(() => undefined);
    });

  const action = (label: string, verb: string, done: string) => {
    const button = h('button', { type: 'button', class: 'button button-small', 'data-mod': verb }, label);
    // the author is told why a story is locked or hidden: those need a reason
    button.addEventListener('click', () => void run(button, () => api.post(`${path()}/${verb}`, { reason: reasonValue() }, { signal }), done, verb === 'lock' || verb === 'hide'));
    return button;
  };

  const reveal = () => {
    const button = h('button', { type: 'button', class: 'button button-small', 'data-mod': 'reveal' }, 'Reveal author');
    button.addEventListener('click', () =>
      void busy(button, 'Working…', async () => {
        status.textContent = '';
        if (!errors.check({ reason: reasonProblem(reason.control.value, true) })) return;
        try {
          const res = await api.post<Revealed>('/mod/reveal', { targetType: 'thread', targetId: host.thread().id, reason: reason.control.value.trim() }, { signal });
          reason.control.value = '';
          status.replaceChildren(...revealed(res.user));
        } catch (error) {
          if (!isAbort(error)) showError(errors, error);
        }
      }),
    );
    return button;
  };

  slowForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const raw = slow.control.value.trim();
    const seconds = Number(raw);
    const problem = raw === '' || !Number.isInteger(seconds) || seconds < 0 || seconds > 86_400 ? 'Give a whole number of seconds from 0 to 86,400.' : null;
    if (!errors.check({ slowModeSeconds: problem })) return;
    void run(
      slowSave,
      () => api.patch(path(), { slowModeSeconds: seconds, reason: reasonValue() }, { signal }),
      seconds ? `Slow mode is on: one reply every ${seconds} seconds.` : 'Slow mode is off.',
    );
  });
  moveForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const slug = category.control.value;
    if (slug === host.thread().category) {
      status.textContent = 'The story is already in that category.';
      return;
    }
    void run(move, () => api.patch(path(), { category: slug, reason: reasonValue() }, { signal }), `Moved to ${categories.name(slug)}.`);
  });

  const update = (t: MyThread) => {
    const focused = buttons.contains(document.activeElement) ? [...buttons.children].indexOf(document.activeElement as Element) : -1;
    buttons.replaceChildren(
      ...[
        t.locked ? action('Unlock', 'unlock', 'The story is open for replies again.') : action('Lock', 'lock', 'The story is locked: new replies are closed.'),
        t.pinned ? action('Unpin', 'unpin', 'The story is no longer pinned.') : action('Pin', 'pin', 'The story is pinned to the top.'),
        t.hidden ? action('Unhide', 'unhide', 'Members can see the story again.') : action('Hide from members', 'hide', 'The story is hidden from members.'),
        t.deleted ? action('Restore', 'restore', 'The story is restored.') : null,
        t.anonymous ? reveal() : null,
      ].filter((b): b is HTMLButtonElement => b !== null),
    );
    if (focused >= 0) (buttons.children[Math.min(focused, buttons.children.length - 1)] as HTMLElement | undefined)?.focus();
    state.textContent = [
      t.status === 'pending' ? 'This story is awaiting review: members cannot see it yet.' : '',
      t.hidden ? 'This story is hidden from members.' : '',
      t.deleted ? 'This story was deleted: members cannot see it until it is restored.' : '',
    ]
      .filter(Boolean)
      .join(' ');
    // a refresh or live update only moves a field when the story's own value changed, so it never undoes a
    // choice the moderator has made but not yet sent
    const seconds = t.slowModeSeconds ?? 0;
    if (seconds !== shown.slow && document.activeElement !== slow.control) {
      slow.control.value = String(seconds);
      shown.slow = seconds;
    }
    category.setOptions(categories.items.map((c) => ({ value: c.slug, label: c.name })));
    if (t.category !== shown.category && document.activeElement !== category.control) {
      category.control.value = t.category;
      shown.category = t.category;
    }
  };
  const shown: { slow: number | null; category: string | null } = { slow: null, category: null };
  update(host.thread());
  return { element, update };
}

const REPLY_ACTIONS: Partial<Record<ReplyAction, [title: string, confirm: string, path: string, done: string]>> = {
  'mod-hide': ['Hide this reply from members?', 'Hide reply', 'hide', 'The reply is hidden from members.'],
  'mod-unhide': ['Show this reply to members again?', 'Unhide reply', 'unhide', 'Members can see the reply again.'],
  'mod-restore': ['Restore this reply?', 'Restore reply', 'restore', 'The reply is restored.'],
  reveal: ['Reveal who wrote this reply?', 'Reveal author', '', ''],
};

/** The inline panel for a moderator's action on one reply; reveal needs a reason, the rest take one optionally. */
export function replyPanel(action: ReplyAction, reply: AnyReply, host: ReplyPanelHost): { element: HTMLElement; focus(): void } {
  const [title, confirmLabel, verb, done] = REPLY_ACTIONS[action] ?? REPLY_ACTIONS['mod-hide']!;
  const isReveal = action === 'reveal';
  const needsReason = isReveal || verb === 'hide';
  const titleId = uid('mod-reply');
  const reason = reasonField(
    needsReason,
    isReveal ? 'Required. Revealing an anonymous author is logged with your reason.' : needsReason ? 'Required. It is logged, and the author is told.' : 'Optional. It is logged, and the author is told.',
  );
  const region = alertRegion();
  const errors = new FormErrors(region, [reason]);
  const confirm = h('button', { type: 'submit', class: 'button button-small button-primary' }, confirmLabel);
  const cancel = h('button', { type: 'button', class: 'button button-small' }, 'Cancel');
  const form = h(
    'form',
    { class: 'inline-panel', novalidate: true, 'aria-labelledby': titleId },
    h('p', { id: titleId, class: 'inline-panel-title' }, title),
    region,
    reason.element,
    verb === 'hide' ? reasonTemplates(reason, 'hide') : null,
    h('div', { class: 'actions' }, confirm, cancel),
  );
  cancel.addEventListener('click', () => host.close());
  escapeCloses(form, () => host.close());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(confirm, 'Working…', async () => {
      if (!errors.check({ reason: reasonProblem(reason.control.value, needsReason) })) return;
      const text = reason.control.value.trim();
      try {
        if (isReveal) {
          const res = await api.post<Revealed>('/mod/reveal', { targetType: 'reply', targetId: reply.id, reason: text }, { signal: host.signal });
          const close = h('button', { type: 'button', class: 'button button-small' }, 'Close');
          close.addEventListener('click', () => host.close());
          form.replaceChildren(h('p', { role: 'status' }, ...revealed(res.user)), h('div', { class: 'actions' }, close));
          close.focus();
          return;
        }
        await api.post(`/mod/replies/${seg(reply.id)}/${verb}`, { reason: text || undefined }, { signal: host.signal });
      } catch (error) {
        if (!isAbort(error)) showError(errors, error);
        return;
      }
      host.close();
      announce(done);
      await host.done().catch(() => undefined);
    });
  });
  return { element: form, focus: () => reason.control.focus() };
}
