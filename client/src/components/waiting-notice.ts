// The lasting, kind note on an author's own post that waits for a moderator, in words that say why and what
// happens next. A post that mentions crisis also gets the crisis lines, so help is never behind the wait.
import { h, type Child } from '../dom.js';
import { safety } from '../stores/safety.js';
import { resourceList } from './crisis.js';

/** Where the team may answer: the member's private conversation with the moderators. */
const mayWrite = (): HTMLElement => h('p', null, 'A moderator may write to you privately in ', h('a', { href: '/support' }, 'Messages from the team'), ', and you can write to them there too.');

export function waitingNoticeContent(what: 'story' | 'reply', crisis: boolean): Child[] {
  if (!crisis) return [h('p', null, 'Awaiting review — only you and the moderators can see this.'), mayWrite()];
  const resources = safety.status?.resources ?? [];
  return [
    h('p', null, h('strong', null, `Your ${what} is waiting for a moderator.`), ' ', `You haven't done anything wrong: what you wrote sounds heavy, and a moderator will read it as soon as one is on duty. Until then only you and the moderators can see it.`),
    mayWrite(),
    resources.length ? [h('p', null, 'If you need to talk to someone now, these people are there to listen, any time:'), resourceList(resources)] : h('p', null, h('a', { href: '/help' }, 'Get help now')),
  ];
}

/** The author's own post a moderator did not approve: it stays theirs, and the team is a message away. */
export function notApprovedNoticeContent(what: 'story' | 'reply'): Child[] {
  return [
    h('p', null, h('strong', null, `A moderator did not approve this ${what}.`), ' ', 'Only you and the moderators can see it. The reason is in your notifications.'),
    mayWrite(),
  ];
}

/** The note under the author's own held reply. */
export function waitingNotice(what: 'story' | 'reply', crisis: boolean): HTMLElement {
  return h('div', { class: 'notice', role: 'status' }, waitingNoticeContent(what, crisis));
}
