// Entry point: builds the shell, asks who the reader is (GET /api/auth/me), then starts the router.
import { errorState, loadingState } from './components/states.js';
import { markCurrentLink, renderHeader } from './components/header.js';
import { mountConnectionBanner } from './components/connection-banner.js';
import { mountSafetyBanner } from './components/safety-banner.js';
import { h } from './dom.js';
import { setNavigator } from './navigation.js';
import { Router, type Access, type Mount, type Route, type RouteContext } from './router.js';
import { helpScreen } from './screens/help.js';
import { notFoundScreen } from './screens/not-found.js';
import { storiesScreen } from './screens/stories.js';
import { storyScreen } from './screens/story.js';
import { live, LiveEvent } from './stores/live.js';
import { GOODBYE, setFlash, takeFlash } from './stores/notices.js';
import { useCopiesOf } from './stores/local-copy.js';
import { useOutboxOf } from './stores/outbox-loader.js';
import { reachability } from './stores/reachability.js';
import { reveals } from './stores/reveal.js';
import { session } from './stores/session.js';
import './stores/notifications.js';

function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from index.html`);
  return el;
}

const header = byId('site-header');
const outlet = byId('main');
const footer = byId('site-footer');

let router: Router;

const SESSION_ENDED_TEXT: Record<string, string> = {
  'signed-out': 'You were signed out, because this session was ended (perhaps from another tab). Sign in again whenever you are ready.',
  'signed-out-everywhere': 'You were signed out on all your devices. Sign in again whenever you are ready.',
  'password-changed': 'Your password was changed, so you were signed out here. Sign in again with the new password.',
  'password-reset': 'Your password was reset with a recovery code, so you were signed out here. Sign in again with the new password.',
  banned: 'You were signed out, because the moderators have closed this account. It can no longer be used on Setback.',
  'account-deleted': GOODBYE,
  default: 'You were signed out. Sign in again whenever you are ready.',
};

const auth = { afterSignIn: () => router.recheck() };

type ModTab = import('./mod/index.js').ModTab;

/**
 * A screen whose code is fetched on first use, as its own chunk (members never download the moderators'
 * tools; nobody downloads account settings until they open them). The heading is there at once, so focus
 * has somewhere to land; the screen replaces it when the code has arrived.
 */
function lazy(heading: string, load: () => Promise<Mount>, loading = 'Loading…', failed = "This page didn't load."): Mount {
  return async (ctx: RouteContext) => {
    const { outlet, signal } = ctx;
    outlet.append(h('h1', null, heading), loadingState(loading));
    try {
      const mount = await load();
      if (signal.aborted) return;
      const hadFocus = outlet.contains(document.activeElement);
      outlet.replaceChildren();
      const result = mount(ctx);
      if (hadFocus) {
        const h1 = outlet.querySelector<HTMLElement>('h1');
        h1?.setAttribute('tabindex', '-1');
        h1?.focus({ preventScroll: true });
      }
      return await result;
    } catch (error) {
      if (signal.aborted) return;
      outlet.replaceChildren(h('h1', null, heading), errorState(error, () => location.reload(), failed));
      return;
    }
  };
}

/** The moderation screens (a chunk fetched on first use, by staff only). */
function modScreen(tab: ModTab): Mount {
  const open = lazy('Moderation', () => import('./mod/index.js').then((mod) => (ctx) => mod.moderationScreen(ctx, tab)), 'Opening the moderation tools…', "The moderation tools didn't load.");
  return (ctx) => {
    if (session.isModerator) return open(ctx);
    ctx.outlet.append(
      h('section', { class: 'screen narrow' }, h('h1', null, 'Moderation'), h('p', null, 'This area is for moderators.'), h('p', null, h('a', { href: '/' }, 'Back to the stories'))),
    );
  };
}

const routes: Route[] = [
  { path: '/', access: 'member', title: 'Stories', mount: storiesScreen },
  { path: '/welcome', access: 'visitor', title: 'Welcome', mount: lazy('Welcome to Setback', () => import('./screens/welcome.js').then((m) => m.welcomeScreen)) },
  { path: '/signin', access: 'visitor', title: 'Sign in', mount: lazy('Sign in', () => import('./screens/signin.js').then((m) => (ctx) => m.signinScreen(ctx, auth))) },
  { path: '/signup', access: 'visitor', title: 'Join', mount: lazy('Join Setback', () => import('./screens/signup.js').then((m) => (ctx) => m.signupScreen(ctx, auth))) },
  // lazy like the other screens but the front page, a story and help (help must open even when Setback cannot be reached)
  { path: '/stories/new', access: 'member', title: 'Write a story', mount: lazy('Write a story', () => import('./screens/compose.js').then((m) => m.composeScreen)) },
  { path: '/stories/:id', access: 'member', title: 'Story', mount: storyScreen },
  { path: '/u/:username', access: 'member', title: 'Member', mount: lazy('Member', () => import('./screens/profile.js').then((m) => m.profileScreen)) },
  { path: '/account', access: 'member', title: 'Your account', mount: lazy('Your account', () => import('./screens/account.js').then((m) => m.accountScreen)) },
  { path: '/recover', access: 'visitor', title: 'Recover your account', mount: lazy('Use a recovery code', () => import('./screens/recover.js').then((m) => m.recoverScreen)) },
  { path: '/privacy', access: 'any', title: 'Privacy', mount: lazy('Privacy', () => import('./screens/privacy.js').then((m) => m.privacyScreen)) },
  { path: '/notifications', access: 'member', title: 'Notifications', mount: lazy('Notifications', () => import('./screens/notifications.js').then((m) => m.notificationsScreen)) },
  { path: '/lessons', access: 'member', title: 'Lessons', mount: lazy('Lessons', () => import('./screens/lessons.js').then((m) => m.lessonsScreen)) },
  { path: '/mod', access: 'member', title: 'Review queue', mount: modScreen('queue') },
  { path: '/mod/alerts', access: 'member', title: 'Alerts', mount: modScreen('alerts') },
  { path: '/mod/reports', access: 'member', title: 'Reports', mount: modScreen('reports') },
  { path: '/mod/log', access: 'member', title: 'Moderation log', mount: modScreen('log') },
  { path: '/mod/watched-words', access: 'member', title: 'Watched words', mount: modScreen('words') },
  { path: '/mod/users/:id', access: 'member', title: 'Member', mount: modScreen('member') },
  { path: '/mod/support', access: 'member', title: 'Messages', mount: modScreen('support') },
  { path: '/mod/support/:id', access: 'member', title: 'Conversation', mount: modScreen('conversation') },
  { path: '/support', access: 'member', title: 'Messages from the team', mount: lazy('Messages from the team', () => import('./screens/support.js').then((m) => m.supportScreen)) },
  { path: '/help', access: 'any', title: 'Get help now', mount: helpScreen },
  { path: '/guidelines', access: 'any', title: 'Community guidelines', mount: lazy('Community guidelines', () => import('./screens/guidelines.js').then((m) => m.guidelinesScreen)) },
];

function redirectFor(access: Access): string | null {
  if (access === 'member' && session.status !== 'signed-in') return '/welcome';
  if (access === 'visitor' && session.status === 'signed-in') {
    const to = router.returnTo ?? '/';
    router.returnTo = null;
    return to;
  }
  return null;
}

function drawHeader(): void {
  renderHeader(header, {
    onSignedOut: () => {
      // A deliberate sign-out: the next sign-in starts at the stories, not where this one ended.
      router.returnTo = null;
      if (location.pathname !== '/welcome') router.navigate('/welcome', { force: true });
    },
  });
  markCurrentLink(header, location.pathname);
}

function drawFooter(): void {
  footer.replaceChildren(
    h(
      'div',
      { class: 'footer-inner' },
      h('p', null, 'Setback — stories of failure, told kindly.'),
      h('p', { class: 'muted' }, 'If you are in danger right now, please call your local emergency number.'),
      h(
        'nav',
        { 'aria-label': 'About Setback' },
        h('ul', { class: 'footer-links' }, h('li', null, h('a', { href: '/help' }, 'Get help now')), h('li', null, h('a', { href: '/guidelines' }, 'Community guidelines')), h('li', null, h('a', { href: '/privacy' }, 'Privacy'))),
      ),
    ),
  );
}

async function boot(): Promise<void> {
  outlet.setAttribute('aria-busy', 'true');
  outlet.replaceChildren(h('h1', { class: 'sr-only' }, 'Setback'), loadingState('Opening Setback…'));
  try {
    await session.load();
  } catch (error) {
    outlet.removeAttribute('aria-busy');
    outlet.replaceChildren(h('h1', null, 'Setback'), errorState(error, () => void boot(), "We couldn't open Setback."));
    return;
  }
  outlet.removeAttribute('aria-busy');

  router = new Router({ outlet, routes, notFound: { path: '*', access: 'any', title: 'Page not found', mount: notFoundScreen }, redirectFor, siteName: 'Setback' });
  setNavigator((to, options) => router.navigate(to, options));
  reveals.useReader(session.user?.id);
  useCopiesOf(session.user?.id);
  useOutboxOf(session.user?.id);
  drawHeader();
  drawFooter();
  // while no moderator is on duty: a calm banner on every page, visitors' too
  mountSafetyBanner(outlet);
  // while Setback cannot be reached: offline, or the server not answering; then "Back online."
  mountConnectionBanner(outlet);
  live.addEventListener('change', () => {
    // the live connection is back: ask at once whether the rest of Setback answers too
    if (live.state === 'online') reachability.probe();
  });

  // One live connection per signed-in session.
  const syncLive = () => {
    if (session.status === 'signed-in') live.start();
    else live.stop();
  };
  live.addEventListener('session.ended', async (event) => {
    if (session.signingOut || session.status !== 'signed-in') return; // this tab's own "Sign out"
    const reason = event instanceof LiveEvent ? (event.data as { reason?: string }).reason : undefined;
    setFlash(SESSION_ENDED_TEXT[reason ?? ''] ?? SESSION_ENDED_TEXT.default!);
    if (reason === 'password-changed' && (await session.load().catch(() => null))) {
      // The server says this to every socket of the member, also to the session that made the change, which
      // stays signed in (its socket reconnects by itself).
      takeFlash();
      return;
    }
    router.returnTo = null;
    session.clear();
    if (location.pathname !== '/welcome') router.navigate('/welcome', { replace: true });
  });
  live.addEventListener('unauthenticated', () => {
    // The socket was refused for want of a session: ask the server (a 401 signs the reader out here).
    void session.load().catch(() => undefined);
  });

  session.addEventListener('change', () => {
    reveals.useReader(session.user?.id);
    useCopiesOf(session.user?.id);
    useOutboxOf(session.user?.id);
    syncLive();
    drawHeader();
    router.recheck();
    // A deliberate sign-out (everywhere, or leaving): the next sign-in starts at the stories.
    if (session.signingOut) router.returnTo = null;
  });
  syncLive();
  router.addEventListener('change', () => markCurrentLink(header, location.pathname));
  router.start();
  // the screens a member reaches from every page come after the first one is shown, so that writing a story or
  // reading notifications still opens if the connection drops later
  let prefetched = false;
  const prefetch = () => {
    if (prefetched || !session.user) return;
    prefetched = true;
    void Promise.all([import('./screens/compose.js'), import('./screens/notifications.js')]).catch(() => (prefetched = false));
  };
  const whenIdle = () => ('requestIdleCallback' in window ? requestIdleCallback(prefetch, { timeout: 5000 }) : setTimeout(prefetch, 2000));
  whenIdle();
  session.addEventListener('change', whenIdle);
}

void boot();
