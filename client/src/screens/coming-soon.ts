// Screens that exist in the navigation but are not built yet: a proper heading and a kind note.
import { h } from '../dom.js';
import type { RouteContext } from '../router.js';
import { session } from '../stores/session.js';

function comingSoon(outlet: HTMLElement, title: string, text: string): void {
  outlet.append(
    h(
      'section',
      { class: 'screen narrow' },
      h('h1', null, title),
      h('p', null, text),
      h('p', null, h('a', { href: '/' }, 'Back to the stories')),
    ),
  );
}

/** /u/:username */
export function profileScreen({ outlet, params, setTitle }: RouteContext): void {
  const username = params.username ?? '';
  setTitle(username);
  comingSoon(outlet, username, 'Member pages are coming soon: their stories will be listed here.');
}

/** /notifications */
export function notificationsScreen({ outlet }: RouteContext): void {
  comingSoon(outlet, 'Notifications', 'Notifications are coming soon: replies to your stories and reactions will show up here.');
}

/** /mod */
export function moderationScreen({ outlet }: RouteContext): void {
  if (!session.isModerator) {
    comingSoon(outlet, 'Moderation', 'This area is for moderators.');
    return;
  }
  comingSoon(outlet, 'Moderation', 'The moderation queue, reports and log are coming soon.');
}
