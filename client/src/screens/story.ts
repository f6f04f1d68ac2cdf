// /stories/:id : one story with its reactions and first page of replies (one request: GET /api/threads/:id?include=replies),
// its further replies (paged from GET /api/threads/:id/replies until nextCursor is null) and the reply box — all kept live over the socket
// (stores/live.ts): new, edited and removed replies, the story's own changes (locked, paused, slow mode,
// edited text, gone), who is writing and how many are reading.
//
// This file only loads the story and wires its parts together; each part lives in components/story/:
//   story-body.ts      the story: badges, title, meta line, its three parts behind the content warning
//   story-actions.ts   the buttons under it (edit, pause, delete, mute; report, block) and their panel
//   follow-ups.ts      what happened next: the author's follow-ups, their form and reminder choice
//   helped-most.ts     the replies the author marked "this helped me most", at the top of the replies
//   story-reactions.ts reaction toggles, for the story and every reply
//   replies.ts         the "Replies" section: count, list, loading, "N new replies" pill (new-replies-pill.ts)
//   reply-list.ts      the ordered, duplicate-free list of replies
//   reply-item.ts      one reply (its quote of the reply it answers: reply-quote.ts)
//   reply-actions.ts   what a reply's buttons do
//   reply-box.ts       the reply box (reply-check.ts: its nudges and crisis help as the reader pauses typing)
//   reply-mode-line.ts "<author> would like people to just listen", by the reply box; the author changes it there
//   typing-line.ts     "1 person is writing…" and "N reading"
//   block-member.ts    "Block <name>?"
//   types.ts           MyThread, and the shape of the moderators' tools (client/src/mod depends on it, never
//                      the other way round: the staff chunk is fetched here, on demand, for staff only)
import type { DeletedReplyView, Page, ReplyView, StoryPageView } from '../../../src/contract/views.js';
import { api, ApiError, qs, seg } from '../api.js';
import { announce } from '../components/announcer.js';
import { ReactionBar } from '../components/reactions.js';
import { errorState, loadingState } from '../components/states.js';
import { blockMemberWith } from '../components/story/block-member.js';
import { FollowUps } from '../components/story/follow-ups.js';
import { HelpedMost } from '../components/story/helped-most.js';
import { ReplyActionEvent, type AnyReply } from '../components/story/reply-item.js';
import { replyActions } from '../components/story/reply-actions.js';
import { replyBox } from '../components/story/reply-box.js';
import { storySimilar } from '../components/similar-stories.js';
import { REPLY_PAGE_SIZE, StoryReplies, type AddReplyOptions } from '../components/story/replies.js';
import { StoryActions } from '../components/story/story-actions.js';
import { StoryBody } from '../components/story/story-body.js';
import { listenForReactions } from '../components/story/story-reactions.js';
import { PresenceCount } from '../components/story/typing-line.js';
import { ReplyModeLine } from '../components/story/reply-mode-line.js';
import type { MyThread, StoryStaffTools } from '../components/story/types.js';
import { h, isAbort } from '../dom.js';
import type { RouteContext } from '../router.js';
import { categories } from '../stores/categories.js';
import { live, type ThreadUpdate } from '../stores/live.js';
import { reachability } from '../stores/reachability.js';
import { takeNotice } from '../stores/notices.js';
import { session } from '../stores/session.js';

export type { AddReplyOptions } from '../components/story/replies.js';

/** The story on screen, if any. */
let active: StoryReplies | null = null;

/**
 * Adds a reply to the story on screen, in id order. Returns false when no story is on screen, the reply
 * belongs to another thread, or its id is already held (duplicates from REST and socket are ignored).
 */
export function addReply(view: ReplyView | DeletedReplyView, options: AddReplyOptions = {}): boolean {
  return active?.addReply(view, options) ?? false;
}

/** Replaces a held reply (edited, approved, or deleted → "This reply was deleted."). */
export function updateReply(view: ReplyView | DeletedReplyView, personal = true): boolean {
  return active?.updateReply(view, personal) ?? false;
}

/** The thread on screen and the highest reply id held (for a socket join/rejoin with `after`). */
export function currentStory(): { threadId: string; lastReplyId: string | null } | null {
  return active ? { threadId: active.threadId, lastReplyId: active.lastReplyId } : null;
}

/** Whether a thread.updated payload is the "gone" placeholder `{id, hidden, deleted}`. */
function isGone(update: ThreadUpdate): boolean {
  return update.title === undefined && (update.deleted === true || update.hidden === true);
}

export function storyScreen({ outlet, signal, params, setTitle }: RouteContext): () => void {
  const threadId = params.id ?? '';
  const root = h('div', { class: 'screen story' });
  outlet.append(root);
  const replies = new StoryReplies(threadId, signal);
  active = replies;
  const me = () => session.user?.id ?? null;
  const staff = session.isModerator;
  /** The moderators' tools: a separate chunk, fetched only for staff (members never download it). */
  const staffTools = (): Promise<StoryStaffTools> => import('../mod/index.js');
  let closeThread: (() => void) | null = null;
  let gone = false;
  /** Set while this reader deletes the story, so its own "gone" echo does not replace the screen. */
  let deletingOwn = false;
  const presence = new PresenceCount();

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

  const showGone = () => {
    if (gone || deletingOwn) return;
    gone = true;
    closeThread?.();
    closeThread = null;
    setTitle('Story no longer available');
    const hadFocus = root.contains(document.activeElement);
    root.replaceChildren(
      h('h1', { tabindex: '-1' }, 'This story is no longer available'),
      h('p', null, 'It may have been removed by its author or by a moderator.'),
      h('p', null, h('a', { href: '/' }, 'Back to all stories')),
    );
    announce('This story is no longer available.');
    if (hadFocus) root.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
  };

  const load = async () => {
    root.setAttribute('aria-busy', 'true');
    replaceRoot(h('h1', { class: 'sr-only' }, 'Story'), loadingState('Loading the story…'));
    try {
      // the story and its first page of replies in one request
      const [{ replies: firstPage, ...thread }] = await Promise.all([
        api.get<StoryPageView<AnyReply> & MyThread>(`/threads/${seg(threadId)}${qs({ include: 'replies', limit: REPLY_PAGE_SIZE })}`, { signal }),
        categories.load().catch(() => undefined),
      ]);
      if (signal.aborted) return;
      root.removeAttribute('aria-busy');
      render(thread, firstPage);
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

  function render(initial: MyThread, firstPage: Page<AnyReply>): void {
    let thread: MyThread = initial;
    setTitle(thread.title);
    const notice = takeNotice(thread.id);
    const threadBar = new ReactionBar(thread.reactions, thread.myReactions ?? [], 'Reactions to this story');
    threadBar.element.dataset.target = 'thread';
    threadBar.setDisabled(thread.locked);
    replies.list.setReactionsDisabled(thread.locked);

    const story = new StoryBody(thread, { notice, signal, staff, me: me(), setTitle, presence: presence.element });
    const blockMember = blockMemberWith({
      signal,
      markBlocked: (userId) => replies.list.markBlocked(userId),
      focusAfter: () => actions.tools.querySelector<HTMLElement>('[data-action="block-author"]') ?? story.h1,
    });
    const actions = new StoryActions({
      thread: () => thread,
      signal,
      me,
      apply: (update, personal) => applyThread(update, personal),
      hideStory: (hidden) => {
        story.bodySlot.hidden = hidden;
        threadBar.element.hidden = hidden;
      },
      deleting: (on) => {
        deletingOwn = on;
      },
      blockMember,
    });
    const modSlot = h('div', { class: 'mod-slot' });
    let modTools: ReturnType<StoryStaffTools['threadTools']> | null = null;
    const modeLine = new ReplyModeLine(thread, { signal, apply: (next) => applyThread(next, true) });
    const box = replyBox(thread, { threadId, signal, staff, replies, gone: showGone, modeLine });
    const followUps = new FollowUps(thread, { signal, me: me(), apply: (update) => applyThread(update, true) });
    const helped = new HelpedMost();
    /** The marked replies: their badge and button in the list, and the section at the top of the replies. */
    const showHelped = () => {
      replies.list.setHighlights(thread.highlightedReplyIds ?? [], Boolean(thread.mine) && !thread.deleted);
      helped.render(thread.highlightedReplyIds ?? [], (id) => replies.list.get(id), thread.author, Boolean(thread.mine), me());
    };

    /** Applies a newer view of the story: from this reader's own request (personal) or a live broadcast. */
    function applyThread(update: ThreadUpdate, personal: boolean): void {
      if (update.id !== thread.id) return;
      if (isGone(update)) {
        showGone();
        return;
      }
      const sectionsCame = update.happenedHtml !== undefined || update.handledHtml !== undefined || update.learnedHtml !== undefined;
      const cwChanged = update.contentWarning !== undefined && update.contentWarning !== thread.contentWarning;
      const next: MyThread = { ...thread };
      for (const [key, value] of Object.entries(update)) if (value !== undefined) (next as unknown as Record<string, unknown>)[key] = value;
      // A full view says `deleted` only when it is true (moderators and the author see deleted stories).
      if (update.title !== undefined) next.deleted = update.deleted === true;
      if (!personal) {
        // A broadcast is built for nobody in particular: keep this reader's own reactions and authorship.
        next.myReactions = thread.myReactions;
        next.mine = thread.mine;
      }
      const pausedChanged = next.paused !== thread.paused;
      const slowChanged = next.slowModeSeconds !== thread.slowModeSeconds;
      const lockedChanged = next.locked !== thread.locked;
      const helpedChanged = (next.highlightedReplyIds ?? []).join() !== (thread.highlightedReplyIds ?? []).join();
      thread = next;
      story.renderBadges(thread);
      story.renderMeta(thread);
      if (sectionsCame || cwChanged) story.renderBody(thread);
      if (update.reactions) threadBar.update(thread.reactions, thread.myReactions ?? []);
      modeLine.update(thread, !personal);
      if (lockedChanged) {
        threadBar.setDisabled(thread.locked);
        replies.list.setReactionsDisabled(thread.locked);
      }
      if (pausedChanged || lockedChanged) actions.rerender();
      box.applyState(thread);
      if (update.followUps !== undefined || update.reminderAt !== undefined) followUps.update(thread);
      if (helpedChanged) showHelped();
      modTools?.update(thread);
      if (!personal && lockedChanged) announce(thread.locked ? 'This story was locked; new replies are closed.' : 'This story is open for replies again.');
      if (!personal && slowChanged) announce(thread.slowModeSeconds > 0 ? `Slow mode: one reply every ${thread.slowModeSeconds} seconds.` : 'Slow mode is off.');
      if (!personal && pausedChanged && !thread.mine) announce(thread.paused ? 'The author paused new replies.' : 'Replies are open again.');
    }

    story.renderBadges(thread);
    story.renderMeta(thread);
    story.renderBody(thread);
    actions.render();

    // Follow-ups (the author's later updates to the story) go after the story's parts, before its reactions.
    const article = story.article(followUps.element, threadBar.element, actions.tools, actions.panel, modSlot);
    replaceRoot(article, helped.element, replies.element(), box.element, storySimilar(threadId, signal), replies.pill.element);

    if (staff) {
      staffTools()
        .then((m) => {
          if (signal.aborted || gone) return;
          modTools = m.threadTools({
            thread: () => thread,
            signal,
            refresh: async () => applyThread(await api.get<MyThread>(`/threads/${seg(thread.id)}`, { signal }), true),
          });
          modSlot.replaceChildren(modTools.element);
        })
        .catch(() => modSlot.replaceChildren(h('p', { class: 'muted' }, "The moderator tools didn't load. Reload the page to try again.")));
    }

    listenForReactions(root, {
      threadId: thread.id,
      signal,
      reply: (replyId, state) => replies.list.setReactions(replyId, state.reactions, state.myReactions),
      story: (state) => {
        thread = { ...thread, reactions: state.reactions, myReactions: state.myReactions };
      },
    });
    const onReplyAction = replyActions({
      threadId,
      signal,
      replies,
      answer: (target) => box.answer(target),
      staffTools,
      blockMember,
      ownListeningStory: () => Boolean(thread.mine) && !thread.deleted && thread.replyMode === 'listening',
      highlighted: (ids) => applyThread({ id: thread.id, highlightedReplyIds: ids }, true),
    });
    root.addEventListener(
      ReplyActionEvent.type,
      (event) => {
        if (event instanceof ReplyActionEvent) void onReplyAction(event);
      },
      { signal },
    );

    // ----- live -----
    const writing = () => box.element.contains(document.activeElement);
    const liveAdd = (...added: AnyReply[]) => replies.liveAdd(writing, ...added);
    live.on(
      'reply.created',
      (r) => {
        if (r.threadId !== threadId) return;
        const held = replies.list.get(r.id);
        // A held reply announced as new was approved by a moderator: its "awaiting review" mark goes.
        if (!held) liveAdd(r);
        else if (!held.deleted && !r.deleted && held.status !== r.status) replies.updateReply(r, false);
      },
      signal,
    );
    live.on(
      'reply.updated',
      (r) => {
        if (r.threadId !== threadId) return;
        if (!replies.updateReply(r, false) && !r.deleted) liveAdd(r); // e.g. a reply approved by a moderator
      },
      signal,
    );
    live.on('reply.removed', (r) => r.threadId === threadId && replies.updateReply({ id: r.id, threadId, deleted: true }, false), signal);
    live.on('thread.updated', (t) => t.id === threadId && applyThread(t, false), signal);
    live.on('typing', (t) => t.threadId === threadId && replies.typing.set(t.count), signal);
    live.on('presence', (p) => p.threadId === threadId && presence.set(p.viewers), signal);
    // counts only: a reader's own reactions come from their own answers, so nothing is counted twice
    live.on(
      'reaction.updated',
      (r) => {
        if (r.threadId !== threadId) return;
        if (r.targetType === 'reply') replies.list.liveReactions(r.targetId, r.reactions);
        else if (r.targetId === thread.id) {
          thread = { ...thread, reactions: r.reactions };
          threadBar.setCounts(r.reactions);
        }
      },
      signal,
    );

    const openLive = () => {
      if (gone || signal.aborted || closeThread) return;
      closeThread = live.openThread({
        threadId,
        lastReplyId: () => replies.lastReplyId,
        add: (added) => liveAdd(...added.map((r) => ({ ...r, threadId: r.threadId ?? threadId }) as AnyReply)),
        change: (changed) => {
          for (const r of changed) replies.updateReply({ ...r, threadId: r.threadId ?? threadId } as AnyReply, true);
        },
        viewers: (viewers) => presence.set(viewers),
        gone: () => showGone(),
        failed: (error) => replies.showLiveFailure(error),
      });
    };

    // Setback answers again after an outage: the story's own state (locked, paused, edited…) is asked again; the
    // replies missed meanwhile come with the live connection's rejoin
    reachability.addEventListener(
      'back',
      () => {
        api.get<MyThread>(`/threads/${seg(thread.id)}`, { signal }).then(
          (fresh) => !signal.aborted && !gone && applyThread(fresh, true),
          () => undefined,
        );
      },
      { signal },
    );

    showHelped();
    void replies.load(null, firstPage).then(() => {
      showHelped();
      openLive();
    });
    replies.loadHiddenPseudonyms();
  }

  void load();

  return () => {
    closeThread?.();
    closeThread = null;
    replies.dispose();
    if (active === replies) active = null;
  };
}
