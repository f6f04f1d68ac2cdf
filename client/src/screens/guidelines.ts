// /guidelines (public): the community guidelines, from GET /api/guidelines {title, text}.
import { h } from '../dom.js';
import { session } from '../stores/session.js';
import { textPageScreen } from './text-page.js';

export const guidelinesScreen = textPageScreen('/guidelines', 'Community guidelines', 'guidelines', () =>
  h(
    'p',
    null,
    'If you need help now: ',
    h('a', { href: '/help' }, 'Get help now'),
    '. ',
    session.user ? ['To write to the moderators: ', h('a', { href: '/support' }, 'Messages from the team'), '.'] : ['Ready to join? ', h('a', { href: '/signup' }, 'Join Setback'), '.'],
  ),
);
