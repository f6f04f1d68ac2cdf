// /stories/:id : one story (GET /api/threads/:id), its reactions, its replies (paged from
// GET /api/threads/:id/replies until nextCursor is null) and the reply box.
//
// Replies live in a ReplyList (components/reply.ts). addReply() below is the one way in for replies
// from any source — REST pages, the reader's own new reply, and (later) live socket delivery — so they
// merge in id order without duplicates.
import type { DeletedReplyView, Page, ReactionCounts, ReactionKind, ReplyView, ThreadView } from '../../../src/contract/views.js';
import { api, ApiError, describeError, qs, seg } from '../api.js';
import { announce, createBatchedAnnouncer } from '../components/announcer.js';
import { authorEl, authorName } from '../components/author.js';
import { contentWarningGate } from '../components/content-warning.js';
import { resourceList } from '../components/crisis.js';
import { alertRegion, FormErrors, textField } from '../components/field.js';
import { ReactionBar, ReactionToggleEvent } from '../components/reactions.js';
import { replyAnchor, ReplyList, type AnyReply } from '../components/reply.js';
import { emptyState, errorState, loadingState } from '../components/states.js';
import { h, isAbort, randomId, setServerHtml } from '../dom.js';
import type { RouteContext } from '../router.js';
import { categories } from '../stores/categories.js';
import { takeNotice, type ArrivalNotice } from '../stores/notices.js';
import { session } from '../stores/session.js';
import { timeEl } from '../time.js';

const REPLY_PAGE_SIZE = 50;

interface ReactionState {
  reactions: ReactionCounts;
  myReactions: ReactionKind[];
}

export interface AddReplyOptions {
  /** Announce "New reply from X" in the live region (default true; never for the reader's own replies). */
  announce?: boolean;
}

/** The story on screen, if any. */
let active: StoryView | null = null;

/**
 * Adds a reply to the story on screen, in id order. Returns false when no story is on screen, the reply
 * belongs to another thread, or its id is already held (duplicates from REST and socket are ignored).
 */
export function addReply(view: ReplyView | DeletedReplyView, options: AddReplyOptions = {}): boolean {
  return active?.addReply(view, options) ?? false;
}

/** Replaces a held reply (edited, approved, or deleted → "This reply was deleted."). */
export function updateReply(view: ReplyView | DeletedReplyView): boolean {
  return active?.updateReply(view) ?? false;
}

/** The thread on screen and the highest reply id held (for a socket join/rejoin with `after`). */
export function currentStory(): { threadId: string; lastReplyId: string | null } | null {
  return active ? { threadId: active.threadId, lastReplyId: active.lastReplyId } : null;
}

class StoryView {
  readonly threadId: string;
  readonly list: ReplyList;
  readonly #countEl: HTMLElement;
  readonly #emptyEl: HTMLElement;
  readonly #announcer = createBatchedAnnouncer((names) => {
    if (names.length === 1) return `New reply from ${names[0]}`;
    const unique = [...new Set(names)];
    return `${names.length} new replies, from ${unique.slice(0, 3).join(', ')}${unique.length > 3 ? ' and others' : ''}`;
  });

  constructor(threadId: string) {
    this.threadId = threadId;
    this.list = new ReplyList({ currentUserId: session.user?.id ?? null });
    this.#countEl = h('span', { class: 'reply-count' });
    this.#emptyEl = emptyState(h('p', null, 'No replies yet. A kind word could mean a lot.'));
    this.#emptyEl.hidden = true;
  }

  get countEl(): HTMLElement {
    return this.#countEl;
  }

  get emptyEl(): HTMLElement {
    return this.#emptyEl;
  }

  get lastReplyId(): string | null {
    return this.list.lastId;
  }

  addReply(view: AnyReply, options: AddReplyOptions): boolean {
    if (!view || view.threadId !== this.threadId) return false;
    const added = this.list.add(view);
    if (!added) return false;
    this.refreshCount();
    if ((options.announce ?? true) && !view.deleted && !isOwn(view)) this.#announcer.add(authorName(view.author));
    return true;
  }

  updateReply(view: AnyReply): boolean {
    if (!view || view.threadId !== this.threadId) return false;
    const updated = this.list.update(view);
    if (updated) this.refreshCount();
    return updated;
  }

  refreshCount(): void {
    const n = this.list.visibleCount;
    this.#countEl.textContent = n ? ` (${n})` : '';
    this.#emptyEl.hidden = this.list.size > 0;
  }

  dispose(): void {
    this.#announcer.cancel();
  }
}

function isOwn(view: ReplyView): boolean {
  const me = session.user?.id;
  const a = view.author;
  if (!a) return false;
  if ('username' in a) return Boolean(me) && a.id === me;
  return Boolean(a.isAuthor);
}

function partSection(heading: string, html: string): HTMLElement | null {
  if (!html || !html.trim()) return null;
  const body = h('div', { class: 'prose' });
  setServerHtml(body, html);
  return h('section', { class: 'story-part' }, h('h2', null, heading), body);
}

function arrivalNotices(thread: ThreadView, notice: ArrivalNotice | null): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (thread.status === 'pending' || notice?.pending) {
    out.push(
      h(
        'div',
        { class: 'notice', role: 'status' },
        h('p', null, 'Thank you for sharing. Your story is waiting for a moderator to look at it; until then only you and the moderators can see it.'),
      ),
    );
  }
  if (notice?.safety?.crisis) {
    out.push(
      h(
        'section',
        { class: 'panel crisis-panel', 'aria-labelledby': 'after-post-support' },
        h('h2', { id: 'after-post-support' }, 'You are not alone in this'),
        h('p', null, 'Thank you for trusting us with this. If things feel hard right now, these people are there to listen, any time:'),
        resourceList(notice.safety.resources ?? []),
      ),
    );
  }
  if (thread.hidden) out.push(h('div', { class: 'notice' }, h('p', null, 'This story is hidden from members.')));
  return out;
}

export function storyScreen({ outlet, signal, params, setTitle }: RouteContext): () => void {
  const threadId = params.id ?? '';
  const root = h('div', { class: 'screen story' });
  outlet.append(root);
  const view = new StoryView(threadId);
  active = view;

  /** Swaps the screen's content; if focus was inside (on the loading heading), it moves to the new h1. */
  const replaceRoot = (...nodes: HTMLElement[]) => {
    const hadFocus = root.contains(document.activeElement);
    root.replaceChildren(...nodes);
    const heading = root.querySelector<HTMLElement>('h1');
    if (hadFocus && heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  };

  const load = async () => {
    root.setAttribute('aria-busy', 'true');
    replaceRoot(h('h1', { class: 'sr-only' }, 'Story'), loadingState('Loading the story…'));
    try {
      const [thread] = await Promise.all([
        api.get<ThreadView>(`/threads/${seg(threadId)}`, { signal }),
        categories.load().catch(() => undefined),
      ]);
      if (signal.aborted) return;
      root.removeAttribute('aria-busy');
      render(thread);
    } catch (error) {
      if (isAbort(error)) return;
      root.removeAttribute('aria-busy');
      if (error instanceof ApiError && error.status === 404) {
        setTitle('Story not found');
        replaceRoot(
          h('h1', null, 'We couldn’t find this story'),
          h('p', null, 'It may have been removed, or it is not visible to you.'),
          h('p', null, h('a', { href: '/' }, 'Back to all stories')),
        );
        return;
      }
      replaceRoot(h('h1', null, 'Story'), errorState(error, () => void load(), "We couldn't load this story."));
    }
  };

  function render(thread: ThreadView): void {
    setTitle(thread.title);
    const notice = takeNotice(thread.id);
    const threadBar = new ReactionBar(thread.reactions, thread.myReactions ?? [], 'Reactions to this story');
    threadBar.element.dataset.target = 'thread';

    const parts = h(
      'div',
      { class: 'story-body' },
      partSection('What happened', thread.happenedHtml),
      partSection('How I handled it', thread.handledHtml),
      partSection('What I learned', thread.learnedHtml),
    );
    const badges = [
      thread.pinned ? h('span', { class: 'badge badge-pinned' }, 'Pinned') : null,
      thread.locked ? h('span', { class: 'badge badge-locked' }, 'Locked') : null,
    ].filter(Boolean);
    const cat = categories.find(thread.category);
    const h1 = h('h1', { class: 'story-title', id: 'story-h1', tabindex: '-1' }, thread.title);

    const article = h(
      'article',
      { class: 'story-article', 'aria-labelledby': 'story-h1' },
      h('p', { class: 'back' }, h('a', { href: '/' }, h('span', { 'aria-hidden': 'true' }, '← '), 'All stories')),
      badges.length ? h('p', { class: 'card-badges' }, ...badges) : null,
      h1,
      h(
        'p',
        { class: 'story-meta' },
        h('a', { class: 'category', href: `/${qs({ category: thread.category })}` }, cat?.name ?? thread.category),
        h('span', { class: 'meta-sep', 'aria-hidden': 'true' }, ' · '),
        'by ',
        authorEl(thread.author, session.user?.id),
        h('span', { class: 'meta-sep', 'aria-hidden': 'true' }, ' · '),
        timeEl(thread.createdAt, 'shared '),
        thread.editedAt ? h('span', { class: 'muted' }, ' · edited') : null,
      ),
      ...arrivalNotices(thread, notice),
      thread.contentWarning ? contentWarningGate(thread.id, thread.contentWarning, parts, signal) : parts,
      threadBar.element,
    );

    const repliesStatus = h('div', { class: 'replies-status' });
    const repliesSection = h(
      'section',
      { class: 'replies', 'aria-labelledby': 'replies-title', 'aria-busy': 'true' },
      h('h2', { id: 'replies-title' }, 'Replies', view.countEl),
      view.list.element,
      view.emptyEl,
      repliesStatus,
    );
    const replyBox = replyForm(thread);
    replaceRoot(article, repliesSection, replyBox);

    // One listener for every reaction bar on the page: the story's and each reply's.
    root.addEventListener(
      ReactionToggleEvent.type,
      (event) => {
        if (!(event instanceof ReactionToggleEvent)) return;
        const replyEl = event.bar.element.closest<HTMLElement>('[data-reply-id]');
        const path = replyEl
          ? `/replies/${seg(replyEl.dataset.replyId ?? '')}/reactions/${event.kind}`
          : `/threads/${seg(thread.id)}/reactions/${event.kind}`;
        void toggleReaction(event, path, signal);
      },
      { signal },
    );

    void loadReplies(repliesSection, repliesStatus, null);
  }

  async function loadReplies(section: HTMLElement, status: HTMLElement, startCursor: string | null): Promise<void> {
    let cursor = startCursor;
    section.setAttribute('aria-busy', 'true');
    status.replaceChildren(loadingState('Loading replies…'));
    try {
      for (;;) {
        const page = await api.get<Page<AnyReply>>(`/threads/${seg(threadId)}/replies${qs({ after: cursor, limit: REPLY_PAGE_SIZE })}`, { signal });
        for (const item of page?.items ?? []) view.addReply({ ...item, threadId: item.threadId ?? threadId } as AnyReply, { announce: false });
        cursor = page?.nextCursor ?? null;
        if (!cursor) break;
      }
      status.replaceChildren();
      view.refreshCount();
      scrollToHashReply();
    } catch (error) {
      if (isAbort(error)) return;
      const from = cursor;
      status.replaceChildren(errorState(error, () => void loadReplies(section, status, from), "Some replies didn't load."));
    } finally {
      if (!signal.aborted) section.setAttribute('aria-busy', 'false');
    }
  }

  function scrollToHashReply(): void {
    const id = decodeURIComponent(location.hash.slice(1));
    if (!id.startsWith('reply-')) return;
    const el = document.getElementById(id);
    if (!el) return;
    el.tabIndex = -1;
    el.scrollIntoView({ block: 'center' });
    el.focus({ preventScroll: true });
  }

  function replyForm(thread: ThreadView): HTMLElement {
    const body = textField({
      name: 'body',
      label: 'Your reply',
      hint: 'Be kind and specific. You can use Markdown. Press Ctrl+Enter (⌘+Enter on a Mac) to send.',
      multiline: true,
      rows: 5,
      required: true,
    });
    const region = alertRegion();
    const errors = new FormErrors(region, [body]);
    const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Reply');
    const closedNote = h('p', { class: 'notice', hidden: true });
    const form = h(
      'form',
      { class: 'form reply-form', novalidate: true, 'aria-labelledby': 'reply-form-title' },
      h('h2', { id: 'reply-form-title' }, 'Reply'),
      closedNote,
      body.element,
      region,
      h('div', { class: 'actions' }, submit),
    );

    const close = (message: string) => {
      closedNote.textContent = message;
      closedNote.hidden = false;
      body.control.disabled = true;
      submit.disabled = true;
    };
    if (thread.locked) close('This story is locked; new replies are closed.');
    else if (thread.paused) close('The author has paused new replies for now.');

    // One clientKey per reply attempt, reused on retry so a repeated send cannot post twice.
    let clientKey: string | null = null;
    let busy = false;

    body.control.addEventListener(
      'keydown',
      (event) => {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          form.requestSubmit();
        }
      },
      { signal },
    );

    form.addEventListener(
      'submit',
      async (event) => {
        event.preventDefault();
        if (busy || body.control.disabled) return;
        const text = body.control.value;
        if (!errors.check({ body: text.trim() ? null : 'Write something before sending.' })) return;
        busy = true;
        clientKey ??= randomId();
        submit.setAttribute('aria-disabled', 'true');
        submit.textContent = 'Sending…';
        try {
          const reply = await api.post<ReplyView>(`/threads/${seg(thread.id)}/replies`, { body: text, clientKey }, { signal });
          clientKey = null;
          body.control.value = '';
          errors.clear();
          view.addReply({ ...reply, threadId: reply.threadId ?? thread.id }, { announce: false });
          announce(reply.status === 'pending' ? 'Your reply was sent and is waiting for a moderator to review it.' : 'Your reply was posted.');
          document.getElementById(replyAnchor(reply.id))?.scrollIntoView({ block: 'nearest' });
        } catch (error) {
          if (isAbort(error)) return;
          // The text stays in the box; the same clientKey is used if the reader tries again.
          if (error instanceof ApiError && error.code === 'THREAD_LOCKED') close('This story is locked; new replies are closed.');
          else if (error instanceof ApiError && error.code === 'REPLIES_PAUSED') close('The author has paused new replies for now.');
          errors.show(error);
          if (!body.control.disabled) body.control.focus();
        } finally {
          busy = false;
          submit.removeAttribute('aria-disabled');
          submit.textContent = 'Reply';
        }
      },
      { signal },
    );
    return form;
  }

  void load();

  return () => {
    view.dispose();
    if (active === view) active = null;
  };
}

async function toggleReaction(event: ReactionToggleEvent, path: string, signal: AbortSignal): Promise<void> {
  const { bar, kind, on } = event;
  bar.setBusy(kind, true);
  const revert = bar.optimistic(kind, on);
  try {
    const result = on ? await api.put<ReactionState>(path, undefined, { signal }) : await api.del<ReactionState>(path, { signal });
    if (result?.reactions) bar.update(result.reactions, result.myReactions ?? []);
  } catch (error) {
    if (isAbort(error)) return;
    revert();
    bar.showError(`That didn't go through. ${describeError(error)}`);
  } finally {
    bar.setBusy(kind, false);
  }
}
