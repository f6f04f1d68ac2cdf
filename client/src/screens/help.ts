// /help (public, visitors included): "Get help now", from GET /api/help {resources, text}; linked from the header
// and footer of every page.
import type { HelpView } from '../../../src/contract/views.js';
import { api } from '../api.js';
import { resourceList } from '../components/crisis.js';
import { errorState, loadingState } from '../components/states.js';
import { h, isAbort, textParagraphs } from '../dom.js';
import type { RouteContext } from '../router.js';
import { session } from '../stores/session.js';

export function helpScreen({ outlet, signal }: RouteContext): void {
  const body = h('div', { class: 'help-body' });
  const onward = h(
    'section',
    { 'aria-labelledby': 'help-more' },
    h('h2', { id: 'help-more' }, 'On Setback'),
    h(
      'ul',
      null,
      session.user
        ? h('li', null, h('a', { href: '/support' }, 'Write to the moderators'), ': a private conversation, only you and the moderation team can read it.')
        : h('li', null, 'Once you are signed in, you can write privately to the moderators from "Messages from the team".'),
      h('li', null, h('a', { href: '/guidelines' }, 'Community guidelines')),
      h('li', null, h('a', { href: '/privacy' }, 'Privacy, in plain words')),
    ),
  );
  outlet.append(h('section', { class: 'screen narrow help' }, h('h1', null, 'Get help now'), body, onward));
  const load = async () => {
    body.setAttribute('aria-busy', 'true');
    body.replaceChildren(loadingState('Loading…'));
    try {
      const help = await api.get<HelpView>('/help', { signal });
      body.replaceChildren(...textParagraphs(help.text), h('h2', null, 'People you can talk to now'), resourceList(help.resources));
    } catch (error) {
      if (isAbort(error)) return;
      // the one thing that must show even when Setback is unwell
      body.replaceChildren(h('p', { class: 'notice' }, 'If you are in danger right now, call your local emergency number.'), errorState(error, () => void load(), "The list of helplines didn't load."));
    } finally {
      body.removeAttribute('aria-busy');
    }
  };
  void load();
}
