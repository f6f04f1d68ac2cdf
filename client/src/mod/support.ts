// /mod/support and /mod/support/:id: the moderators' side of members' private conversations with the team
// (GET /api/mod/support?status=open|all, GET/POST /api/mod/support/:userId; live `support.message`).
// A moderator checks in from a member's page; the member sees "the moderation team" unless the moderator signs.
import type { Page, SupportConversationView, SupportMessageView } from '../../../src/contract/views.js';
import { api, ApiError, qs, seg } from '../api.js';
import { checkboxField } from '../components/field.js';
import { emptyState, errorState, loadingState } from '../components/states.js';
import { supportThread } from '../components/support-thread.js';
import { h, isAbort } from '../dom.js';
import type { RouteContext } from '../router.js';
import { LiveEvent, live } from '../stores/live.js';
import { timeEl } from '../time.js';

/** Conversations, most recently active first: those awaiting the team's answer, or all. */
export function conversationsScreen(body: HTMLElement, { signal, query, setTitle }: RouteContext): void {
  setTitle('Messages · Moderation');
  const all = query.get('status') === 'all';
  const list = h('ul', { class: 'support-conversations' });
  const status = h('div', { class: 'list-status' });
  const more = h('button', { type: 'button', class: 'button', hidden: true }, 'Show more conversations');
  let cursor: string | null = null;
  body.append(
    h('h2', null, 'Messages with members'),
    h(
      'p',
      null,
      all ? h('a', { href: '/mod/support' }, 'Show only those waiting for an answer') : h('a', { href: '/mod/support?status=all' }, 'Show every conversation'),
      '. To start one, open the member’s page and write to them.',
    ),
    list,
    status,
    more,
  );
  const load = async (next: string | null) => {
    if (next === null) status.replaceChildren(loadingState('Loading conversations…'));
    try {
      const page = await api.get<Page<SupportConversationView>>(`/mod/support${qs({ status: all ? 'all' : 'open', cursor: next })}`, { signal });
      list.append(
        ...page.items.map((c) =>
          h(
            'li',
            null,
            h('a', { href: `/mod/support/${seg(c.userId)}` }, c.username),
            ' · last message ',
            timeEl(c.lastMessageAt),
            c.unread ? [' ', h('span', { class: 'badge badge-count' }, `${c.unread} unread`)] : null,
          ),
        ),
      );
      cursor = page.nextCursor;
      more.hidden = cursor === null;
      status.replaceChildren(list.children.length ? '' : emptyState(all ? 'No member has a conversation with the team yet.' : 'Nobody is waiting for an answer.'));
    } catch (error) {
      if (isAbort(error)) return;
      status.replaceChildren(errorState(error, () => void load(next), "The conversations didn't load."));
    }
  };
  more.addEventListener('click', () => void load(cursor), { signal });
  // a new message from a member: the list is out of date, say so rather than reorder under the reader's eyes
  live.addEventListener(
    'support.message',
    (event) => {
      if (!(event instanceof LiveEvent) || (event.data as unknown as SupportMessageView).from !== 'member' || status.querySelector('.support-refresh')) return;
      status.append(h('p', { class: 'support-refresh' }, 'A member has written. ', h('a', { href: `/mod/support${all ? '?status=all' : ''}` }, 'Show the latest')));
    },
    { signal },
  );
  void load(null);
}

/** One member's conversation with the team, and the box to write to them. */
export function conversationScreen(body: HTMLElement, { signal, params, setTitle }: RouteContext): void {
  const id = params.id ?? '';
  const heading = h('h2', null, 'Conversation');
  const root = h('div');
  body.append(heading, root);
  root.append(loadingState('Loading this member…'));
  void api
    .get<{ id: string; username: string }>(`/mod/users/${seg(id)}`, { signal })
    .then((m) => {
      setTitle(`Messages with ${m.username} · Moderation`);
      heading.replaceChildren('Messages with ', h('a', { href: `/mod/users/${seg(m.id)}` }, m.username));
      const resources = checkboxField({ name: 'includeResources', label: 'Attach the helplines (crisis resources)' });
      const sign = checkboxField({ name: 'sign', label: 'Sign with my name', hint: 'Otherwise the member sees “the moderation team”.' });
      root.replaceChildren(
        supportThread({
          audience: 'staff',
          signal,
          load: (cursor) => api.get<Page<SupportMessageView>>(`/mod/support/${seg(m.id)}${qs({ cursor })}`, { signal }),
          send: (text) => api.post<SupportMessageView>(`/mod/support/${seg(m.id)}`, { body: text, includeResources: resources.control.checked, sign: sign.control.checked }, { signal }),
          belongs: (msg) => msg.member?.id === m.id,
          empty: `No messages yet. Write to ${m.username} to check in: they are told the moderation team wrote, and can answer here.`,
          composerLabel: `Write to ${m.username}`,
          submitLabel: 'Send',
          extraFields: [resources, sign],
        }),
      );
    })
    .catch((error: unknown) => {
      if (isAbort(error)) return;
      if (error instanceof ApiError && error.status === 404) root.replaceChildren(h('p', null, 'We couldn’t find this member. The link may be wrong, or the account was erased.'));
      else root.replaceChildren(errorState(error, null, "This conversation didn't load."));
    });
}
