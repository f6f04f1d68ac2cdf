// One member's private conversation with the moderation team, oldest message first, with a box to write in.
// Shared by the member's "Messages from the team" screen and the moderators' conversation view: the screen says
// how to load a page, how to send, and which live `support.message` pushes belong here.
import type { Page, SupportMessageView } from '../../../src/contract/views.js';
import { h, isAbort, setServerHtml, type Child } from '../dom.js';
import { LiveEvent, live } from '../stores/live.js';
import { timeEl } from '../time.js';
import { announce } from './announcer.js';
import { resourceList } from './crisis.js';
import { ctrlEnterSubmits, fieldForm, submitForm, textField, type FieldHandle } from './field.js';
import { emptyState, errorState, loadingState } from './states.js';

export const SUPPORT_BODY_MAX = 5000;

export interface SupportThreadOptions {
  audience: 'member' | 'staff';
  signal: AbortSignal;
  load(cursor: string | null): Promise<Page<SupportMessageView>>;
  send(body: string): Promise<SupportMessageView>;
  /** Whether a live message belongs to this conversation. */
  belongs(message: SupportMessageView): boolean;
  /** Shown when there is no message yet. */
  empty: string;
  composerLabel: string;
  submitLabel: string;
  /** Fields under the message box (a moderator's "attach the helplines", "sign with my name"). */
  extraFields?: FieldHandle[];
}

const byId = (a: SupportMessageView, b: SupportMessageView): number => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0);

function who(m: SupportMessageView, audience: 'member' | 'staff'): string {
  if (m.from === 'member') return audience === 'member' ? 'You' : (m.member?.username ?? 'The member');
  if (m.moderator) return `${m.moderator.username}, moderation team`;
  return 'The moderation team';
}

function messageItem(m: SupportMessageView, audience: 'member' | 'staff'): HTMLLIElement {
  const body = h('div', { class: 'support-body' });
  setServerHtml(body, m.bodyHtml);
  const mine = (m.from === 'member') === (audience === 'member');
  return h(
    'li',
    { class: `support-message ${m.from === 'team' ? 'from-team' : 'from-member'}${mine ? ' mine' : ''}`, 'data-id': m.id },
    h('p', { class: 'support-meta' }, h('strong', null, who(m, audience)), ' · ', timeEl(m.createdAt)),
    body,
    m.resources?.length ? h('div', { class: 'support-resources' }, h('p', null, 'People you can talk to now:'), resourceList(m.resources)) : null,
  );
}

export function supportThread(o: SupportThreadOptions): HTMLElement {
  const messages = new Map<string, SupportMessageView>();
  let nextCursor: string | null = null;
  const list = h('ol', { class: 'support-messages', 'aria-label': 'Messages, oldest first' });
  const status = h('div', { class: 'list-status' });
  const empty = emptyState(o.empty);
  empty.hidden = true;
  const earlier = h('button', { type: 'button', class: 'button button-small', hidden: true }, 'Show earlier messages');

  const render = () => {
    const sorted = [...messages.values()].sort(byId);
    list.replaceChildren(...sorted.map((m) => messageItem(m, o.audience)));
    list.hidden = sorted.length === 0;
    empty.hidden = sorted.length > 0;
    earlier.hidden = nextCursor === null;
  };
  const add = (m: SupportMessageView): boolean => {
    const isNew = !messages.has(m.id);
    messages.set(m.id, m);
    render();
    return isNew;
  };

  const loadPage = async (cursor: string | null) => {
    if (cursor === null) status.replaceChildren(loadingState('Loading the conversation…'));
    try {
      const page = await o.load(cursor);
      for (const m of page.items) messages.set(m.id, m);
      nextCursor = page.nextCursor;
      status.replaceChildren();
      render();
    } catch (error) {
      if (isAbort(error) || o.signal.aborted) return;
      status.replaceChildren(errorState(error, () => void loadPage(cursor), "The conversation didn't load."));
    }
  };
  earlier.addEventListener('click', () => void loadPage(nextCursor), { signal: o.signal });

  live.addEventListener(
    'support.message',
    (event) => {
      if (!(event instanceof LiveEvent)) return;
      const m = event.data as unknown as SupportMessageView;
      if (!o.belongs(m)) return;
      if (add(m) && m.from === (o.audience === 'member' ? 'team' : 'member')) announce(`New message from ${who(m, o.audience)}.`);
    },
    { signal: o.signal },
  );

  const body = textField({ name: 'body', label: o.composerLabel, multiline: true, rows: 5, maxlength: SUPPORT_BODY_MAX, hint: 'Formatting like **bold** and lists works. Ctrl+Enter sends.' });
  const parts = fieldForm({ fields: [body, ...(o.extraFields ?? [])], submit: o.submitLabel, className: 'support-composer', label: 'New message' });
  ctrlEnterSubmits(body.control, parts.form, o.signal);
  submitForm(parts, {
    busyLabel: 'Sending…',
    signal: o.signal,
    read: () => body.control.value,
    check: (text) => ({
      body: !text.trim() ? 'Write a message first.' : text.length > SUPPORT_BODY_MAX ? `A message can be at most ${SUPPORT_BODY_MAX.toLocaleString('en')} characters.` : null,
    }),
    send: async (text) => {
      const sent = await o.send(text);
      add(sent);
      body.control.value = '';
      announce('Message sent.');
    },
  });

  void loadPage(null);
  const children: Child[] = [earlier, list, empty, status, parts.form];
  return h('div', { class: 'support-thread' }, children);
}
