// /support: "Messages from the team", the member's private conversation with the moderators
// (GET/POST /api/me/support; live `support.message`). Only the member and the moderation team can read it.
import type { Page, SupportMessageView } from '../../../src/contract/views.js';
import { api, qs } from '../api.js';
import { supportThread } from '../components/support-thread.js';
import { h } from '../dom.js';
import type { RouteContext } from '../router.js';
import { session } from '../stores/session.js';

export function supportScreen({ outlet, signal }: RouteContext): void {
  outlet.append(
    h(
      'section',
      { class: 'screen narrow support' },
      h('h1', null, 'Messages from the team'),
      h('p', { class: 'lead' }, 'A private conversation between you and the Setback moderators. Only you and the moderation team can read it.'),
      h(
        'p',
        { class: 'muted' },
        'The moderators are volunteers and may not answer at once. If you are in danger right now, please ',
        h('a', { href: '/help' }, 'get help now'),
        '.',
      ),
      supportThread({
        audience: 'member',
        signal,
        load: (cursor) => api.get<Page<SupportMessageView>>(`/me/support${qs({ cursor })}`, { signal }),
        send: (body) => api.post<SupportMessageView>('/me/support', { body }, { signal }),
        // members hear only their own conversation; a moderator's sockets hear everyone's (as staff), so pick theirs
        belongs: (m) => !m.member || m.member.id === session.user?.id,
        empty: 'No messages yet. If something is on your mind — a question about a decision, a worry, or you just need someone to know — you can write to the moderators here.',
        composerLabel: 'Write to the moderators',
        submitLabel: 'Send to the team',
      }),
    ),
  );
}
