// /welcome: what Setback is like, for visitors — the three-part shape of a story, the guidelines (GET /api/guidelines,
// public) and how anonymity works — without showing any member's story. A visitor who followed a shared story link
// is told why they are here, and taken back to that story after signing in or joining (Router.returnTo).
import { api } from '../api.js';
import { errorState, loadingState } from '../components/states.js';
import { h, isAbort, textParagraphs } from '../dom.js';
import { readReturnTo, type RouteContext } from '../router.js';
import { takeFlash } from '../stores/notices.js';

const SHARED_STORY = /^\/stories\/(?!new(?:[/?#]|$))[^/?#]+/;

const PARTS: [string, string][] = [
  ['What happened', 'The setback itself, in your own words: an exam, a business, a relationship, a plan that did not work out.'],
  ['How I handled it', 'What you did, felt or tried, in the moment or afterwards. Messy counts.'],
  ['What I learned', 'Anything you would tell someone facing the same thing. “Not sure yet” is an answer too.'],
];

function sharedStoryNotice(): HTMLElement {
  return h(
    'div',
    { class: 'notice shared-story', role: 'status' },
    h('p', null, h('strong', null, 'This story is shared with members. Join or sign in to read it.')),
    h('p', null, 'You will be taken straight back to it.'),
    h('div', { class: 'actions' }, h('a', { class: 'button button-primary', href: '/signup' }, 'Join Setback'), h('a', { class: 'button', href: '/signin' }, 'Sign in')),
  );
}

function guidelinesPart(signal: AbortSignal): HTMLElement {
  const body = h('div', { class: 'welcome-guidelines', 'aria-busy': 'true' }, loadingState('Loading the guidelines…'));
  const load = async () => {
    body.setAttribute('aria-busy', 'true');
    body.replaceChildren(loadingState('Loading the guidelines…'));
    try {
      const page = await api.get<{ title: string; text: string }>('/guidelines', { signal });
      body.replaceChildren(...textParagraphs(page?.text ?? '', 'guidelines-text'));
    } catch (error) {
      if (isAbort(error)) return;
      body.replaceChildren(errorState(error, () => void load(), "The guidelines didn't load."));
    } finally {
      body.removeAttribute('aria-busy');
    }
  };
  void load();
  return h(
    'section',
    { class: 'welcome-part', 'aria-labelledby': 'welcome-guidelines-title' },
    h('h2', { id: 'welcome-guidelines-title' }, 'How we treat each other'),
    body,
    h('p', null, h('a', { href: '/guidelines' }, 'The community guidelines on their own page')),
  );
}

export function welcomeScreen({ outlet, signal }: RouteContext): void {
  const flash = takeFlash();
  if (flash) outlet.append(h('div', { class: 'notice flash', role: 'status' }, h('p', null, flash)));
  const returnTo = readReturnTo();
  outlet.append(
    h(
      'section',
      { class: 'screen welcome', 'aria-labelledby': 'welcome-title' },
      h('h1', { id: 'welcome-title' }, 'Welcome to Setback'),
      returnTo && SHARED_STORY.test(returnTo) ? sharedStoryNotice() : null,
      h(
        'p',
        { class: 'lead' },
        'Setback is a quiet place to share stories of failure — what happened, how you handled it, and what you learned — ',
        "and to answer other people's stories kindly. Everyone here has fallen short of something. You are welcome as you are.",
      ),
      h(
        'p',
        null,
        'It is for members only and hidden from search engines: the stories are read by people who have joined, never by visitors. ',
        'Moderators are around to keep it a safe place.',
      ),
      h(
        'div',
        { class: 'actions' },
        h('a', { class: 'button button-primary', href: '/signup' }, 'Join Setback'),
        h('a', { class: 'button', href: '/signin' }, 'Sign in'),
      ),
      h(
        'section',
        { class: 'welcome-part', 'aria-labelledby': 'welcome-shape-title' },
        h('h2', { id: 'welcome-shape-title' }, 'A story in three parts'),
        h('p', null, 'Every story here has the same simple shape. Only the first part is needed; the others can wait until you are ready.'),
        h('ol', { class: 'welcome-shape' }, ...PARTS.map(([name, what]) => h('li', null, h('strong', null, name), ' — ', what))),
        h('p', null, 'Others answer with replies and with three quiet reactions: “Me too”, “Thank you for sharing” and “This helped me”. There are no dislikes and no scores.'),
      ),
      guidelinesPart(signal),
      h(
        'section',
        { class: 'welcome-part', 'aria-labelledby': 'welcome-anonymity-title' },
        h('h2', { id: 'welcome-anonymity-title' }, 'Posting anonymously'),
        h(
          'ul',
          null,
          h('li', null, 'Any story or reply can be posted anonymously: other members then see a pseudonym instead of your username.'),
          h('li', null, 'Your pseudonym is different in each story, so your anonymous posts cannot be linked to each other or to your profile.'),
          h('li', null, 'Moderators can find out who wrote an anonymous post when they must, to keep people safe; each time they do, it is written in the moderation log with a reason.'),
          h('li', null, 'Your profile shows only the stories you posted under your username.'),
        ),
      ),
      h('p', null, 'If you need help right now: ', h('a', { href: '/help' }, 'get help now'), '.'),
    ),
  );
}
