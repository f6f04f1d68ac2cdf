// /u/:username : a member's page (GET /api/users/:username): name, member since, their named stories with
// "Load more" (?cursor=), and block / unblock for other members.
import type { Page, ThreadListItemView, UserView } from '../../../src/contract/views.js';
import { api, ApiError, describeError, qs, seg } from '../api.js';
import { announce } from '../components/announcer.js';
import { emptyState, errorState, loadingState } from '../components/states.js';
import { h, isAbort, replaceChildren } from '../dom.js';
import type { RouteContext } from '../router.js';
import { categories } from '../stores/categories.js';
import { session } from '../stores/session.js';
import { longDate } from '../time.js';
import { storyCard } from './stories.js';

type Profile = UserView & { stories: Page<ThreadListItemView> };

const ROLE_LABEL: Record<string, string> = { moderator: 'Moderator', admin: 'Administrator' };

export function profileScreen({ outlet, params, signal, setTitle }: RouteContext): void {
  const username = params.username ?? '';
  setTitle(username);
  const root = h('section', { class: 'screen profile', 'aria-busy': 'true' });
  outlet.append(root);

  const load = async () => {
    root.setAttribute('aria-busy', 'true');
    root.replaceChildren(h('h1', null, username), loadingState('Loading this member…'));
    try {
      const [profile] = await Promise.all([
        api.get<Profile>(`/users/${seg(username)}${qs({ limit: 20 })}`, { signal }),
        categories.load().catch(() => undefined),
      ]);
      if (signal.aborted) return;
      render(profile);
    } catch (error) {
      if (isAbort(error)) return;
      if (error instanceof ApiError && error.status === 404) {
        setTitle('Member not found');
        root.replaceChildren(
          h('h1', null, 'We couldn’t find this member'),
          h('p', null, 'The name may be misspelled, or the account is no longer here.'),
          h('p', null, h('a', { href: '/' }, 'Back to all stories')),
        );
      } else {
        root.replaceChildren(h('h1', null, username), errorState(error, () => void load(), "We couldn't load this member's page."));
      }
    } finally {
      if (!signal.aborted) root.setAttribute('aria-busy', 'false');
    }
  };

  function render(profile: Profile): void {
    setTitle(profile.username);
    const isMe = profile.id === session.user?.id;
    let nextCursor = profile.stories?.nextCursor ?? null;
    const list = h('ul', { class: 'story-list', 'aria-labelledby': 'profile-stories' });
    const loadMore = h('button', { type: 'button', class: 'button', hidden: !nextCursor }, 'Load more stories');
    const moreError = h('div', { class: 'more-error' });
    const items = profile.stories?.items ?? [];
    for (const item of items) list.append(storyCard(item, signal));
    const empty = items.length
      ? null
      : emptyState(
          h('p', null, isMe ? 'You have not shared a story under your name yet.' : `${profile.username} has not shared a story under their name yet.`),
          isMe ? h('a', { class: 'button button-primary', href: '/stories/new' }, 'Write a story') : null,
        );

    loadMore.addEventListener(
      'click',
      async () => {
        if (loadMore.getAttribute('aria-disabled') === 'true' || !nextCursor) return;
        loadMore.setAttribute('aria-disabled', 'true');
        loadMore.textContent = 'Loading…';
        moreError.replaceChildren();
        try {
          const page = await api.get<Profile>(`/users/${seg(username)}${qs({ cursor: nextCursor, limit: 20 })}`, { signal });
          const more = page.stories?.items ?? [];
          const cards = more.map((item) => storyCard(item, signal));
          list.append(...cards);
          nextCursor = page.stories?.nextCursor ?? null;
          loadMore.hidden = !nextCursor;
          cards[0]?.querySelector<HTMLElement>('a, button')?.focus();
        } catch (error) {
          if (isAbort(error)) return;
          moreError.replaceChildren(h('p', { class: 'field-error', role: 'alert' }, `More stories didn't load. ${describeError(error)} Try the button again.`));
        } finally {
          loadMore.removeAttribute('aria-disabled');
          loadMore.textContent = 'Load more stories';
        }
      },
      { signal },
    );

    const role = ROLE_LABEL[profile.role];
    replaceChildren(
      root,
      h('h1', { tabindex: '-1' }, profile.username, isMe ? h('span', { class: 'muted' }, ' (you)') : null),
      h(
        'p',
        { class: 'profile-meta muted' },
        role ? [h('span', { class: 'badge' }, role), ' '] : null,
        'Member since ',
        h('time', { datetime: profile.createdAt }, longDate(profile.createdAt)),
      ),
      isMe ? null : blockControl(profile.username),
      session.isModerator && !isMe ? h('p', null, h('a', { href: `/mod/users/${encodeURIComponent(profile.id)}` }, 'Moderate this member')) : null,
      h('h2', { id: 'profile-stories' }, isMe ? 'Your stories' : 'Their stories'),
      h('p', { class: 'hint' }, 'Stories shared anonymously are never listed here.'),
      empty,
      list,
      h('div', { class: 'actions center' }, loadMore),
      moreError,
    );
  }

  /** Block or unblock: the page does not know the current state, so it offers both after the first choice. */
  function blockControl(name: string): HTMLElement {
    let blocked = false;
    const button = h('button', { type: 'button', class: 'button button-small' }, `Block ${name}`);
    const status = h('p', { class: 'muted', role: 'status' });
    button.addEventListener(
      'click',
      async () => {
        if (button.getAttribute('aria-disabled') === 'true') return;
        button.setAttribute('aria-disabled', 'true');
        try {
          if (blocked) await api.del(`/users/${seg(name)}/block`, { signal });
          else await api.put(`/users/${seg(name)}/block`, undefined, { signal });
          blocked = !blocked;
          button.textContent = blocked ? `Unblock ${name}` : `Block ${name}`;
          status.textContent = blocked ? `You blocked ${name}. Their replies are hidden from you.` : `You unblocked ${name}.`;
        } catch (error) {
          if (isAbort(error)) return;
          status.textContent = `That didn't go through. ${describeError(error)}`;
          announce(status.textContent);
        } finally {
          button.removeAttribute('aria-disabled');
        }
      },
      { signal },
    );
    return h(
      'div',
      { class: 'profile-actions' },
      h('div', { class: 'actions' }, button, h('a', { class: 'button button-small button-quiet', href: '/' }, 'Back to stories')),
      status,
    );
  }

  void load();
}
