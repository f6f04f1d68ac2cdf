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

/** /mod */
export function moderationScreen({ outlet }: RouteContext): void {
  if (!session.isModerator) {
    comingSoon(outlet, 'Moderation', 'This area is for moderators.');
    return;
  }
  comingSoon(outlet, 'Moderation', 'The moderation queue, reports and log are coming soon.');
}
