// Any path the router does not know.
import { h } from '../dom.js';
import type { RouteContext } from '../router.js';
import { session } from '../stores/session.js';

export function notFoundScreen({ outlet }: RouteContext): void {
  const home = session.user ? '/' : '/welcome';
  outlet.append(
    h(
      'section',
      { class: 'screen narrow' },
      h('h1', null, 'Page not found'),
      h('p', null, 'There is nothing at this address. It may have moved, or the link may be mistyped.'),
      h('p', null, h('a', { href: home }, session.user ? 'Go to the stories' : 'Go to the welcome page')),
    ),
  );
}
