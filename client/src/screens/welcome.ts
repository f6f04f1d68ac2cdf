// /welcome: what Setback is, for visitors.
import { h } from '../dom.js';
import type { RouteContext } from '../router.js';
import { takeFlash } from '../stores/notices.js';

export function welcomeScreen({ outlet }: RouteContext): void {
  const flash = takeFlash();
  if (flash) outlet.append(h('div', { class: 'notice flash', role: 'status' }, h('p', null, flash)));
  outlet.append(
    h(
      'section',
      { class: 'screen welcome', 'aria-labelledby': 'welcome-title' },
      h('h1', { id: 'welcome-title' }, 'Welcome to Setback'),
      h(
        'p',
        { class: 'lead' },
        'Setback is a quiet place to share stories of failure — what happened, how you handled it, and what you learned — ',
        "and to answer other people's stories kindly. Everyone here has fallen short of something. You are welcome as you are.",
      ),
      h(
        'p',
        null,
        'It is for members only and hidden from search engines. You can post under your username or anonymously, ',
        'and moderators are around to keep it a safe place.',
      ),
      h(
        'div',
        { class: 'actions' },
        h('a', { class: 'button button-primary', href: '/signup' }, 'Join Setback'),
        h('a', { class: 'button', href: '/signin' }, 'Sign in'),
      ),
    ),
  );
}
