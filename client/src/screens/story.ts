// /stories/:id : one story (GET /api/threads/:id), its reactions, its replies (paged from
// GET /api/threads/:id/replies until nextCursor is null) and the reply box — all kept live over the socket
// (stores/live.ts): new, edited and removed replies, the story's own changes (locked, paused, slow mode,
// edited text, gone), who is writing and how many are reading.
//
// Replies live in a ReplyList (components/reply.ts). addReply() below is the one way in for replies
// from any source — REST pages, the reader's own new reply, and live socket delivery — so they merge in
// id order without duplicates.
import type { DeletedReplyView, Page, ReactionCounts, ReactionKind, ReplyQuoteView, ReplyView, ThreadView } from '../../../src/contract/views.js';
import { durationInWords } from '../../../src/common/durations.js';
import { api, ApiError, describeError, qs, seg } from '../api.js';
import { announce, createBatchedAnnouncer } from '../components/announcer.js';
import { authorEl, authorName } from '../components/author.js';
import { contentWarningGate } from '../components/content-warning.js';
import { checkForCrisis, confirmCrisis, resourceList } from '../components/crisis.js';
import { waitingNoticeContent } from '../components/waiting-notice.js';
import { editForm, loadForEditing } from '../components/edit-form.js';
import { alertRegion, checkboxField, ctrlEnterSubmits, FormErrors, textField } from '../components/field.js';
import { confirmPanel, reportPanel } from '../components/panels.js';
import { ReactionBar, ReactionToggleEvent } from '../components/reactions.js';
import { ReplyingTo } from '../components/reply-quote.js';
import { isMine, modLink, replyAnchor, ReplyActionEvent, ReplyList, type AnyReply, type OwnableReply } from '../components/reply.js';
import { suspensionText } from '../components/suspension.js';
import { emptyState, errorState, loadingState } from '../components/states.js';
import { h, isAbort, randomId, replaceChildren, setServerHtml } from '../dom.js';
import { navigate } from '../navigation.js';
import type { RouteContext } from '../router.js';
import { categories } from '../stores/categories.js';
import { live, type ThreadUpdate } from '../stores/live.js';
import { takeNotice, type ArrivalNotice } from '../stores/notices.js';
import { session } from '../stores/session.js';
import { timeEl } from '../time.js';

const REPLY_PAGE_SIZE = 50;
/** Screen readers hear "N people are writing…" at most this often. */
const TYPING_ANNOUNCE_EVERY_MS = 15_000;
/** Without news from the server, a typing indicator fades after this long. */
const TYPING_STALE_MS = 8_000;

interface ReactionState {
  reactions: ReactionCounts;
  myReactions: ReactionKind[];
}

/** The thread as this reader's REST view carries it (`mine` and the markdown sources for the author). */
export type MyThread = ThreadView & { mine?: boolean };

/** The moderators' controls for the story on screen (loaded on demand, for staff only: mod/story-tools.ts). */
type StoryTools = typeof import('../mod/index.js');

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
export function updateReply(view: ReplyView | DeletedReplyView, personal = true): boolean {
  return active?.updateReply(view, personal) ?? false;
}

/** The thread on screen and the highest reply id held (for a socket join/rejoin with `after`). */
export function currentStory(): { threadId: string; lastReplyId: string | null } | null {
  return active ? { threadId: active.threadId, lastReplyId: active.lastReplyId } : null;
}

class StoryView {
  readonly threadId: string;
  readonly list: ReplyList;
  /** Pseudonyms the reader hid in this story (GET /threads/:id/hidden-pseudonyms). */
  readonly hiddenPseudonyms = new Set<string>();
  readonly #countEl: HTMLElement;
  readonly #emptyEl: HTMLElement;
  readonly #announcer = createBatchedAnnouncer((names) => {
    if (names.length === 1) return `New reply from ${names[0]}`;
    const unique = [...new Set(names)];
    return `${names.length} new replies, from ${unique.slice(0, 3).join(', ')}${unique.length > 3 ? ' and others' : ''}`;
  });

  constructor(threadId: string) {
    this.threadId = threadId;
    this.list = new ReplyList({ currentUserId: session.user?.id ?? null, staff: session.isModerator, pseudonymHidden: (name) => this.hiddenPseudonyms.has(name) });
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
    if ((options.announce ?? true) && !view.deleted && !view.blocked && !isMine(view, session.user?.id ?? null)) {
      this.#announcer.add(authorName(view.author));
    }
    return true;
  }

  updateReply(view: AnyReply, personal: boolean): boolean {
    if (!view || view.threadId !== this.threadId) return false;
    const updated = this.list.update(view, personal);
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

/** "1 person is writing…": shown at once; read out politely, and not more than every 15 s. */
class TypingIndicator {
  readonly element: HTMLElement;
  readonly #visual: HTMLElement;
  readonly #spoken: HTMLElement;
  #stale: ReturnType<typeof setTimeout> | undefined;
  #lastSpokenAt = 0;

  constructor() {
    this.#visual = h('span', { class: 'typing-text', 'aria-hidden': 'true' });
    this.#spoken = h('span', { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
    this.element = h('p', { class: 'typing-indicator', 'data-count': '0' }, this.#visual, this.#spoken);
  }

  set(count: number): void {
    if (this.#stale !== undefined) clearTimeout(this.#stale);
    const n = Number.isFinite(count) && count > 0 ? Math.floor(count) : 0;
    if (n > 0) this.#stale = setTimeout(() => this.set(0), TYPING_STALE_MS);
    const text = n === 0 ? '' : n === 1 ? '1 person is writing…' : `${n} people are writing…`;
    this.element.dataset.count = String(n);
    if (this.#visual.textContent === text) return;
    this.#visual.textContent = text;
    const now = Date.now();
    if (!text) {
      this.#spoken.textContent = '';
    } else if (now - this.#lastSpokenAt >= TYPING_ANNOUNCE_EVERY_MS) {
      this.#lastSpokenAt = now;
      this.#spoken.textContent = text;
    }
  }

  dispose(): void {
    if (this.#stale !== undefined) clearTimeout(this.#stale);
  }
}

/** The "N new replies" button shown instead of moving the page when replies arrive out of view. */
class NewRepliesPill {
  readonly element: HTMLButtonElement;
  #unseen: string[] = [];
  readonly #elementFor: (id: string) => HTMLElement | null;
  #frame = 0;

  constructor(elementFor: (id: string) => HTMLElement | null, signal: AbortSignal) {
    this.#elementFor = elementFor;
    this.element = h('button', { type: 'button', class: 'new-replies-pill', hidden: true });
    this.element.addEventListener('click', () => this.#jump());
    const onScroll = () => {
      if (this.#frame || !this.#unseen.length) return;
      this.#frame = requestAnimationFrame(() => {
        this.#frame = 0;
        this.#prune();
      });
    };
    window.addEventListener('scroll', onScroll, { passive: true, signal });
    window.addEventListener('resize', onScroll, { passive: true, signal });
    signal.addEventListener('abort', () => cancelAnimationFrame(this.#frame));
  }

  /** Replies that arrived live and are not in view. */
  add(...ids: string[]): void {
    for (const id of ids) if (!this.#unseen.includes(id)) this.#unseen.push(id);
    this.#render();
  }

  #prune(): void {
    this.#unseen = this.#unseen.filter((id) => {
      const el = this.#elementFor(id);
      return el !== null && !inView(el);
    });
    this.#render();
  }

  #render(): void {
    const n = this.#unseen.length;
    this.element.hidden = n === 0;
    this.element.textContent = n === 1 ? '1 new reply ↓' : `${n} new replies ↓`;
  }

  #jump(): void {
    const first = this.#unseen.map((id) => this.#elementFor(id)).find((el): el is HTMLElement => el !== null);
    this.#unseen = [];
    this.#render();
    if (!first) return;
    first.tabIndex = -1;
    first.scrollIntoView({ block: 'start', behavior: reducedMotion() ? 'auto' : 'smooth' });
    first.focus({ preventScroll: true });
  }
}

function reducedMotion(): boolean {
  return window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
}

/** Whether some of the element is inside the viewport. */
function inView(el: Element): boolean {
  const r = el.getBoundingClientRect();
  return r.bottom > 0 && r.top < window.innerHeight && r.height > 0;
}

function partSection(heading: string, html: string | undefined): HTMLElement | null {
  if (!html || !html.trim()) return null;
  const body = h('div', { class: 'prose' });
  setServerHtml(body, html);
  return h('section', { class: 'story-part' }, h('h2', null, heading), body);
}

/**
 * "Mute notifications from this story" (PUT/DELETE /api/threads/:id/mute). The API does not say whether a story
 * is muted, so the last known state is kept in localStorage, per member and story.
 */
function muteToggle(threadId: string, signal: AbortSignal): HTMLElement {
  const key = `setback.muted.${session.user?.id}.${threadId}`;
  let muted = false;
  try {
    muted = localStorage.getItem(key) === '1';
  } catch {
    // storage refused: start from "not muted"
  }
  const button = h('button', { type: 'button', class: 'button button-small button-quiet', 'data-action': 'mute', 'aria-pressed': String(muted) }, 'Mute notifications from this story');
  const status = h('span', { class: 'mute-status', role: 'status' }, muted ? 'Muted' : '');
  button.addEventListener('click', async () => {
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    const path = `/threads/${seg(threadId)}/mute`;
    try {
      const result = await (muted ? api.del<{ muted: boolean }>(path, { signal }) : api.put<{ muted: boolean }>(path, undefined, { signal }));
      muted = result?.muted ?? !muted;
      try {
        if (muted) localStorage.setItem(key, '1');
        else localStorage.removeItem(key);
      } catch {
        // not remembered on this device; the server has it
      }
      button.setAttribute('aria-pressed', String(muted));
      status.textContent = muted ? 'Muted' : 'Notifications from this story are on.';
    } catch (error) {
      if (!isAbort(error)) status.textContent = `That didn't go through. ${describeError(error)}`;
    } finally {
      button.removeAttribute('aria-disabled');
    }
  });
  return h('span', { class: 'mute' }, button, status);
}

function arrivalNotices(notice: ArrivalNotice | null): HTMLElement[] {
  const out: HTMLElement[] = [];
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
  return out;
}

/** Whether a thread.updated payload is the "gone" placeholder `{id, hidden, deleted}`. */
function isGone(update: ThreadUpdate): boolean {
  return update.title === undefined && (update.deleted === true || update.hidden === true);
}

export function storyScreen({ outlet, signal, params, setTitle }: RouteContext): () => void {
  const threadId = params.id ?? '';
  const root = h('div', { class: 'screen story' });
  outlet.append(root);
  const view = new StoryView(threadId);
  active = view;
  const me = () => session.user?.id ?? null;
  const staff = session.isModerator;
  /** The moderators' tools: a separate chunk, fetched only for staff (members never download it). */
  const storyTools = (): Promise<StoryTools> => import('../mod/index.js');
  let closeThread: (() => void) | null = null;
  let gone = false;
  /** Set while this reader deletes the story, so its own "gone" echo does not replace the screen. */
  let deletingOwn = false;
  const typing = new TypingIndicator();
  const pill = new NewRepliesPill((id) => view.list.elementFor(id), signal);

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
      const [thread] = await Promise.all([
        api.get<MyThread>(`/threads/${seg(threadId)}`, { signal }),
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

  function render(initial: MyThread): void {
    let thread: MyThread = initial;
    setTitle(thread.title);
    const notice = takeNotice(thread.id);
    const threadBar = new ReactionBar(thread.reactions, thread.myReactions ?? [], 'Reactions to this story');
    threadBar.element.dataset.target = 'thread';
    threadBar.setDisabled(thread.locked);
    view.list.setReactionsDisabled(thread.locked);

    const h1 = h('h1', { class: 'story-title', id: 'story-h1', tabindex: '-1' }, thread.title);
    const badges = h('p', { class: 'card-badges' });
    const edited = h('span', { class: 'muted' });
    const categoryLink = h('a', { class: 'category' });
    const presence = h('span', { class: 'presence', hidden: true });
    const bodySlot = h('div', { class: 'story-body-slot' });
    const toolsPanel = h('div', { class: 'story-panel' });
    const tools = h('div', { class: 'story-tools', role: 'group', 'aria-label': 'Story actions' });
    const statusNote = h('div', { class: 'notice', role: 'status' }, h('p', null, 'Awaiting review — only you and the moderators can see this.'));
    const modSlot = h('div', { class: 'mod-slot' });
    let modTools: ReturnType<StoryTools['threadTools']> | null = null;

    const renderBadges = () => {
      const pending = thread.status === 'pending';
      badges.replaceChildren(
        ...[
          thread.pinned ? h('span', { class: 'badge badge-pinned' }, 'Pinned') : null,
          thread.locked ? h('span', { class: 'badge badge-locked' }, 'Locked') : null,
          thread.paused ? h('span', { class: 'badge badge-locked' }, 'Replies paused') : null,
          staff && pending ? h('span', { class: 'badge badge-warn' }, 'Awaiting review') : null,
          staff && thread.hidden ? h('span', { class: 'badge badge-warn' }, 'Hidden from members') : null,
          staff && thread.deleted ? h('span', { class: 'badge badge-warn' }, 'Deleted') : null,
        ].filter((b): b is HTMLSpanElement => b !== null),
      );
      badges.hidden = !badges.childElementCount;
      // What only the author (or the moderators) can see, said in words.
      // The author's own pending story (the moderators' notes are in their tools below).
      statusNote.hidden = !(pending && (thread.mine || notice?.pending));
      if (!statusNote.hidden) replaceChildren(statusNote, waitingNoticeContent('story', thread.crisis === true));
    };
    const renderMeta = () => {
      h1.textContent = thread.title;
      setTitle(thread.title);
      edited.textContent = thread.editedAt ? ' · edited' : '';
      categoryLink.setAttribute('href', `/${qs({ category: thread.category })}`);
      categoryLink.textContent = categories.find(thread.category)?.name ?? thread.category;
    };
    const renderBody = () => {
      const parts = h(
        'div',
        { class: 'story-body' },
        partSection('What happened', thread.happenedHtml),
        partSection('How I handled it', thread.handledHtml),
        partSection('What I learned', thread.learnedHtml),
      );
      bodySlot.replaceChildren(thread.contentWarning ? contentWarningGate(thread.id, thread.contentWarning, parts, signal) : parts);
    };

    // ----- the author's and the readers' tools for the story -----
    const closeToolsPanel = (focus?: HTMLElement | null) => {
      toolsPanel.replaceChildren();
      bodySlot.hidden = false;
      threadBar.element.hidden = false;
      tools.hidden = false;
      focus?.focus();
    };
    const toolButton = (label: string, action: string, run: (button: HTMLButtonElement) => void) => {
      const button = h('button', { type: 'button', class: 'button button-small button-quiet', 'data-action': action }, label);
      button.addEventListener('click', () => run(button));
      return button;
    };
    const renderTools = () => {
      const named = 'username' in thread.author ? thread.author : null;
      if (thread.mine) {
        tools.replaceChildren(
          toolButton('Edit story', 'edit-story', (b) => void editStory(b)),
          toolButton(thread.paused ? 'Resume replies' : 'Pause new replies', 'pause', (b) => void togglePause(b)),
          toolButton('Delete story', 'delete-story', (b) => deleteStory(b)),
          muteToggle(thread.id, signal),
        );
      } else {
        const buttons = [
          toolButton('Report story', 'report-story', (b) => {
            const panel = reportPanel('thread', thread.id, 'this story', () => closeToolsPanel(b));
            toolsPanel.replaceChildren(panel.element);
            panel.focus();
          }),
          named && named.id !== me()
            ? toolButton(`Block ${named.username}`, 'block-author', (b) => blockMember(named.username, named.id, () => closeToolsPanel(b), (el) => toolsPanel.replaceChildren(el)))
            : null,
        ];
        tools.replaceChildren(...buttons.filter((b): b is HTMLButtonElement => b !== null), muteToggle(thread.id, signal));
      }
    };

    async function editStory(button: HTMLButtonElement): Promise<void> {
      // The sources may be newer than what this page holds (an edit in another tab).
      const loaded = await loadForEditing(button, 'The story', () => api.get<MyThread>(`/threads/${seg(thread.id)}`, { signal }));
      if (!loaded) return;
      const fresh = loaded.value;
      const title = textField({ name: 'title', label: 'Title', required: true, maxlength: 150, value: fresh.title });
      const happened = textField({ name: 'happened', label: 'What happened?', multiline: true, rows: 8, required: true, value: fresh.happened ?? '' });
      const handled = textField({ name: 'handled', label: 'How did you handle it?', multiline: true, rows: 6, optional: true, value: fresh.handled ?? '' });
      const learned = textField({ name: 'learned', label: 'What did you learn?', multiline: true, rows: 6, optional: true, value: fresh.learned ?? '' });
      const cw = textField({ name: 'contentWarning', label: 'Content warning', optional: true, maxlength: 100, value: fresh.contentWarning ?? '' });
      const read = () => ({
        title: title.control.value.trim(),
        happened: happened.control.value,
        handled: handled.control.value,
        learned: learned.control.value,
        contentWarning: cw.control.value.trim(),
      });
      /** Only the parts that changed. */
      const patchFor = (next: ReturnType<typeof read>) => {
        const patch: Record<string, string | null> = {};
        if (next.title !== fresh.title) patch.title = next.title;
        if (next.happened !== (fresh.happened ?? '')) patch.happened = next.happened;
        if (next.handled !== (fresh.handled ?? '')) patch.handled = next.handled;
        if (next.learned !== (fresh.learned ?? '')) patch.learned = next.learned;
        if (next.contentWarning !== (fresh.contentWarning ?? '')) patch.contentWarning = next.contentWarning || null;
        return patch;
      };
      const close = () => closeToolsPanel(tools.querySelector<HTMLElement>('[data-action="edit-story"]'));
      const form = editForm({
        fields: [title, happened, handled, learned, cw],
        className: 'story-edit',
        labelledBy: 'story-edit-title',
        intro: [h('h2', { id: 'story-edit-title', tabindex: '-1' }, 'Edit your story'), h('p', { class: 'hint' }, 'Press Escape to cancel.')],
        saveLabel: 'Save changes',
        close,
        read,
        check: (next) => ({
          title: next.title.length < 5 ? 'A title needs at least 5 characters.' : null,
          happened: next.happened.trim().length < 20 ? 'Tell us a little more — at least 20 characters.' : null,
        }),
        unchanged: (next) => !Object.keys(patchFor(next)).length,
        save: async (next) => {
          const updated = await api.patch<MyThread>(`/threads/${seg(thread.id)}`, patchFor(next), { signal });
          applyThread(updated, true);
          close();
          announce('Your story was updated.');
        },
      });
      bodySlot.hidden = true;
      threadBar.element.hidden = true;
      tools.hidden = true;
      toolsPanel.replaceChildren(form);
      title.control.focus();
    }

    async function togglePause(button: HTMLButtonElement): Promise<void> {
      if (button.getAttribute('aria-disabled') === 'true') return;
      button.setAttribute('aria-disabled', 'true');
      const pausing = !thread.paused;
      try {
        const updated = await api.post<MyThread>(`/threads/${seg(thread.id)}/${pausing ? 'pause' : 'resume'}`, undefined, { signal });
        applyThread({ ...updated, paused: updated.paused ?? pausing }, true);
        announce(pausing ? 'New replies are paused.' : 'Replies are open again.');
        tools.querySelector<HTMLElement>('[data-action="pause"]')?.focus();
      } catch (error) {
        if (isAbort(error)) return;
        announce(`That didn't go through. ${describeError(error)}`);
      } finally {
        tools.querySelector('[data-action="pause"]')?.removeAttribute('aria-disabled');
      }
    }

    function deleteStory(button: HTMLButtonElement): void {
      const panel = confirmPanel({
        message: 'Delete your story?',
        detail: 'Members will no longer see it or its replies. The moderators can still restore it if you ask.',
        confirmLabel: 'Delete story',
        cancelLabel: 'Keep it',
        danger: true,
        onCancel: () => closeToolsPanel(button),
        onConfirm: async () => {
          deletingOwn = true;
          try {
            await api.del(`/threads/${seg(thread.id)}`, { signal });
          } catch (error) {
            deletingOwn = false;
            throw error;
          }
          announce('Your story was deleted.');
          navigate('/');
        },
      });
      toolsPanel.replaceChildren(panel.element);
      panel.focus();
    }

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
      thread = next;
      renderBadges();
      renderMeta();
      if (sectionsCame || cwChanged) renderBody();
      if (update.reactions) threadBar.update(thread.reactions, thread.myReactions ?? []);
      if (lockedChanged) {
        threadBar.setDisabled(thread.locked);
        view.list.setReactionsDisabled(thread.locked);
      }
      if (pausedChanged || lockedChanged) {
        const focused = document.activeElement instanceof HTMLElement && tools.contains(document.activeElement) ? document.activeElement.dataset.action : null;
        renderTools();
        if (focused) tools.querySelector<HTMLElement>(`[data-action="${focused}"]`)?.focus();
      }
      replyBox.applyState(thread);
      modTools?.update(thread);
      if (!personal && lockedChanged) announce(thread.locked ? 'This story was locked; new replies are closed.' : 'This story is open for replies again.');
      if (!personal && slowChanged) announce(thread.slowModeSeconds > 0 ? `Slow mode: one reply every ${thread.slowModeSeconds} seconds.` : 'Slow mode is off.');
      if (!personal && pausedChanged && !thread.mine) announce(thread.paused ? 'The author paused new replies.' : 'Replies are open again.');
    }

    renderBadges();
    renderMeta();
    renderBody();
    renderTools();

    const article = h(
      'article',
      { class: 'story-article', 'aria-labelledby': 'story-h1' },
      h('p', { class: 'back' }, h('a', { href: '/' }, h('span', { 'aria-hidden': 'true' }, '← '), 'All stories')),
      badges,
      h1,
      h(
        'p',
        { class: 'story-meta' },
        categoryLink,
        h('span', { class: 'meta-sep', 'aria-hidden': 'true' }, ' · '),
        'by ',
        authorEl(thread.author, me(), { mine: Boolean(thread.mine) }),
        staff && 'username' in thread.author && !thread.mine ? [' ', modLink(thread.author.id, thread.author.username)] : null,
        h('span', { class: 'meta-sep', 'aria-hidden': 'true' }, ' · '),
        timeEl(thread.createdAt, 'shared '),
        edited,
        presence,
      ),
      statusNote,
      ...arrivalNotices(notice),
      bodySlot,
      threadBar.element,
      tools,
      toolsPanel,
      modSlot,
    );

    const repliesStatus = h('div', { class: 'replies-status' });
    const repliesSection = h(
      'section',
      { class: 'replies', 'aria-labelledby': 'replies-title', 'aria-busy': 'true' },
      h('h2', { id: 'replies-title' }, 'Replies', view.countEl),
      view.list.element,
      view.emptyEl,
      repliesStatus,
      typing.element,
    );
    const replyBox = replyForm(thread);
    replaceRoot(article, repliesSection, replyBox.element, pill.element);

    if (staff) {
      storyTools()
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

    // One listener for every reaction bar on the page: the story's and each reply's.
    root.addEventListener(
      ReactionToggleEvent.type,
      (event) => {
        if (!(event instanceof ReactionToggleEvent)) return;
        const replyEl = event.bar.element.closest<HTMLElement>('[data-reply-id]');
        const path = replyEl
          ? `/replies/${seg(replyEl.dataset.replyId ?? '')}/reactions/${event.kind}`
          : `/threads/${seg(thread.id)}/reactions/${event.kind}`;
        const replyId = replyEl?.dataset.replyId;
        void toggleReaction(event, path, signal).then((state) => {
          if (state && replyId) view.list.setReactions(replyId, state.reactions, state.myReactions ?? []);
          else if (state && !replyId) thread = { ...thread, reactions: state.reactions, myReactions: state.myReactions ?? [] };
        });
      },
      { signal },
    );
    root.addEventListener(
      ReplyActionEvent.type,
      (event) => {
        if (event instanceof ReplyActionEvent) void onReplyAction(event);
      },
      { signal },
    );

    const setPresence = (viewers: number) => {
      presence.hidden = !(viewers > 0);
      presence.replaceChildren(h('span', { class: 'meta-sep', 'aria-hidden': 'true' }, ' · '), `${viewers} reading`);
    };

    // ----- live -----
    /** Replies from the socket: added in order; out of view they are offered by the pill, never jumped to. */
    const liveAdd = (...replies: AnyReply[]) => {
      const list = view.list.element;
      const wasAtEnd = list.getBoundingClientRect().bottom <= window.innerHeight + 40;
      const added = replies.filter((reply) => view.addReply(reply, { announce: true }));
      if (!added.length) return;
      const writing = replyBox.element.contains(document.activeElement);
      const first = view.list.elementFor(added[0]!.id);
      if (!first || inView(first)) return;
      if (wasAtEnd && !writing) first.scrollIntoView({ block: 'nearest', behavior: reducedMotion() ? 'auto' : 'smooth' });
      else pill.add(...added.map((reply) => reply.id));
    };
    live.on(
      'reply.created',
      (r) => {
        if (r.threadId !== threadId) return;
        const held = view.list.get(r.id);
        // A held reply announced as new was approved by a moderator: its "awaiting review" mark goes.
        if (!held) liveAdd(r);
        else if (!held.deleted && !r.deleted && held.status !== r.status) view.updateReply(r, false);
      },
      signal,
    );
    live.on(
      'reply.updated',
      (r) => {
        if (r.threadId !== threadId) return;
        if (!view.updateReply(r, false) && !r.deleted) liveAdd(r); // e.g. a reply approved by a moderator
      },
      signal,
    );
    live.on('reply.removed', (r) => r.threadId === threadId && view.updateReply({ id: r.id, threadId, deleted: true }, false), signal);
    live.on('thread.updated', (t) => t.id === threadId && applyThread(t, false), signal);
    live.on('typing', (t) => t.threadId === threadId && typing.set(t.count), signal);
    live.on('presence', (p) => p.threadId === threadId && setPresence(p.viewers), signal);
    // counts only: a reader's own reactions come from their own answers, so nothing is counted twice
    live.on(
      'reaction.updated',
      (r) => {
        if (r.threadId !== threadId) return;
        if (r.targetType === 'reply') view.list.liveReactions(r.targetId, r.reactions);
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
        lastReplyId: () => view.lastReplyId,
        add: (replies) => liveAdd(...replies.map((r) => ({ ...r, threadId: r.threadId ?? threadId }) as AnyReply)),
        change: (replies) => {
          for (const r of replies) view.updateReply({ ...r, threadId: r.threadId ?? threadId } as AnyReply, true);
        },
        viewers: setPresence,
        gone: () => showGone(),
        failed: (error) => {
          const from = view.lastReplyId;
          repliesStatus.replaceChildren(errorState(error, () => void loadReplies(repliesSection, repliesStatus, from), "Some new replies didn't load."));
        },
      });
    };

    void loadReplies(repliesSection, repliesStatus, null).then(openLive);
    // what the reader folded away in this story; fetched beside the replies, never holding them back
    void api.get<{ pseudonyms: string[] }>(`/threads/${seg(threadId)}/hidden-pseudonyms`, { signal }).then(
      (res) => {
        for (const name of res?.pseudonyms ?? []) {
          view.hiddenPseudonyms.add(name);
          view.list.refreshPseudonym(name);
        }
      },
      () => undefined,
    );

    // ----- actions on replies -----
    async function onReplyAction(event: ReplyActionEvent): Promise<void> {
      const { action, replyId, trigger } = event;
      const reply = view.list.get(replyId);
      if (!reply || reply.deleted) return;
      if (view.list.hasPanel(replyId)) view.list.closePanel(replyId);
      if (action === 'reply-to') {
        const words = (view.list.elementFor(replyId)?.querySelector('.reply-body')?.textContent ?? '').replace(/\s+/g, ' ').trim();
        replyBox.answer({ id: reply.id, author: reply.author, excerpt: words.length > 100 ? `${words.slice(0, 99)}…` : words });
        return;
      }
      if (action.startsWith('mod-') || action === 'reveal') {
        let tools: StoryTools;
        try {
          tools = await storyTools();
        } catch (error) {
          announce(`The moderator tools didn't load. ${describeError(error)}`);
          return;
        }
        const panel = tools.replyPanel(action, reply, {
          signal,
          close: () => view.list.closePanel(replyId, action),
          done: () => refreshReply(replyId),
        });
        view.list.openPanel(replyId, panel.element);
        panel.focus();
      } else if (action === 'edit') await editReply(reply, trigger);
      else if (action === 'delete') {
        const panel = confirmPanel({
          message: 'Delete your reply?',
          detail: 'Others will see “This reply was deleted.” in its place.',
          confirmLabel: 'Delete reply',
          cancelLabel: 'Keep it',
          danger: true,
          onCancel: () => view.list.closePanel(replyId, 'delete'),
          onConfirm: async () => {
            await api.del(`/replies/${seg(replyId)}`, { signal });
            view.list.markDeleted(replyId);
            view.refreshCount();
            announce('Your reply was deleted.');
          },
        });
        view.list.openPanel(replyId, panel.element);
        panel.focus();
      } else if (action === 'report') {
        const panel = reportPanel('reply', replyId, `the reply from ${authorName(reply.author)}`, () => view.list.closePanel(replyId, 'report'));
        view.list.openPanel(replyId, panel.element);
        panel.focus();
      } else if (action === 'hide-pseudonym' || action === 'show-pseudonym') {
        const author = reply.author;
        if (!author || !('pseudonym' in author)) return;
        const hide = action === 'hide-pseudonym';
        const path = `/threads/${seg(threadId)}/hidden-pseudonyms/${seg(author.pseudonym)}`;
        try {
          if (hide) await api.put(path, undefined, { signal });
          else await api.del(path, { signal });
        } catch (error) {
          announce(`That didn't work. ${describeError(error)}`);
          return;
        }
        if (hide) view.hiddenPseudonyms.add(author.pseudonym);
        else view.hiddenPseudonyms.delete(author.pseudonym);
        const n = view.list.refreshPseudonym(author.pseudonym);
        announce(hide ? `${author.pseudonym}'s ${n === 1 ? 'reply is' : 'replies are'} folded away in this story.` : `${author.pseudonym}'s replies are shown again.`);
      } else if (action === 'block') {
        const author = reply.author;
        if (!author || !('username' in author)) return;
        blockMember(
          author.username,
          author.id,
          () => view.list.closePanel(replyId, 'block'),
          (el) => view.list.openPanel(replyId, el),
        );
      }
    }

    function blockMember(username: string, userId: string, close: () => void, show: (el: HTMLElement) => void): void {
      const panel = confirmPanel({
        message: `Block ${username}?`,
        detail: 'Their replies will be hidden from you, here and as they arrive. You can unblock them from their page.',
        confirmLabel: `Block ${username}`,
        onCancel: close,
        onConfirm: async () => {
          await api.put(`/users/${seg(username)}/block`, undefined, { signal });
          close();
          const n = view.list.markBlocked(userId);
          announce(`You blocked ${username}.${n ? ` ${n === 1 ? 'Their reply is' : 'Their replies are'} now hidden.` : ''}`);
          (tools.querySelector<HTMLElement>('[data-action="block-author"]') ?? h1).focus();
        },
      });
      show(panel.element);
      panel.focus();
    }

    async function editReply(reply: ReplyView, trigger: HTMLElement): Promise<void> {
      let source = (reply as OwnableReply).body;
      if (source === undefined) {
        // A reply that arrived live carries no markdown: fetch this reader's own view of it.
        const loaded = await loadForEditing(trigger, 'Your reply', async () => {
          const after = (BigInt(reply.id) - 1n).toString();
          const page = await api.get<Page<AnyReply>>(`/threads/${seg(threadId)}/replies${qs({ after, limit: 1 })}`, { signal });
          const own = page?.items?.find((r) => r.id === reply.id) as OwnableReply | undefined;
          if (!own || own.deleted) return undefined;
          view.updateReply({ ...own, threadId }, true);
          return own.body;
        });
        if (!loaded) return;
        source = loaded.value;
      }
      if (source === undefined) {
        announce('This reply cannot be edited.');
        return;
      }
      const field = textField({
        name: 'body',
        label: 'Edit your reply',
        hint: 'Press Ctrl+Enter (⌘+Enter on a Mac) to save, Escape to cancel.',
        multiline: true,
        rows: 5,
        required: true,
        value: source,
      });
      const form = editForm({
        fields: [field],
        className: 'reply-edit',
        saveLabel: 'Save',
        small: true,
        close: () => view.list.closePanel(reply.id, 'edit'),
        read: () => field.control.value,
        check: (text) => ({ body: text.trim() ? null : 'A reply cannot be empty. To remove it, use Delete.' }),
        unchanged: (text) => text === source,
        save: async (text) => {
          const updated = await api.patch<ReplyView>(`/replies/${seg(reply.id)}`, { body: text }, { signal });
          view.list.closePanel(reply.id);
          view.updateReply({ ...updated, threadId: updated.threadId ?? threadId }, true);
          view.list.elementFor(reply.id)?.querySelector<HTMLElement>('[data-action="edit"]')?.focus();
          announce('Your reply was updated.');
        },
      });
      ctrlEnterSubmits(field.control, form);
      view.list.openPanel(reply.id, form, true);
      field.control.focus();
      field.control.setSelectionRange(field.control.value.length, field.control.value.length);
    }
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

  /** Fetches this reader's view of one reply again (after a moderator acted on it). */
  async function refreshReply(id: string): Promise<void> {
    const after = (BigInt(id) - 1n).toString();
    const page = await api.get<Page<AnyReply>>(`/threads/${seg(threadId)}/replies${qs({ after, limit: 1 })}`, { signal });
    const fresh = page?.items?.find((r) => r.id === id);
    if (fresh) view.updateReply({ ...fresh, threadId }, true);
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

  function replyForm(initial: MyThread): { element: HTMLElement; applyState(thread: MyThread): void; answer(target: ReplyQuoteView): void } {
    let thread = initial;
    const body = textField({
      name: 'body',
      label: 'Your reply',
      hint: 'Be kind and specific. You can use Markdown. Press Ctrl+Enter (⌘+Enter on a Mac) to send.',
      multiline: true,
      rows: 5,
      required: true,
    });
    const anonymous = checkboxField({
      name: 'anonymous',
      label: 'Reply anonymously',
      hint: 'Others see a pseudonym instead of your username. Moderators can still see who you are.',
    });
    const region = alertRegion();
    const errors = new FormErrors(region, [body, anonymous]);
    const replyingTo = new ReplyingTo(() => body.control.focus());
    const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Reply');
    const closedNote = h('p', { class: 'notice', role: 'status', hidden: true });
    const slowNote = h('p', { class: 'hint', hidden: true });
    /** The support resources, when the safety check found words of crisis in the reader's reply. */
    const support = h('div', { class: 'reply-support' });
    const form = h(
      'form',
      { class: 'form reply-form', novalidate: true, 'aria-labelledby': 'reply-form-title' },
      h('h2', { id: 'reply-form-title' }, 'Reply'),
      support,
      closedNote,
      replyingTo.element,
      body.element,
      anonymous.element,
      slowNote,
      region,
      h('div', { class: 'actions' }, submit),
    );

    /** Until when slow mode holds this reader's next reply (ms). */
    let waitUntil = 0;
    let waitTimer: ReturnType<typeof setTimeout> | undefined;
    signal.addEventListener('abort', () => clearTimeout(waitTimer));

    const setClosed = (message: string | null) => {
      closedNote.textContent = message ?? '';
      closedNote.hidden = !message;
      body.control.disabled = Boolean(message);
      anonymous.control.disabled = Boolean(message);
      submit.disabled = Boolean(message);
    };
    const applyState = (next: MyThread) => {
      thread = next;
      const suspended = session.suspendedUntil;
      if (suspended) setClosed(suspensionText(suspended));
      else if (thread.locked) setClosed('This story is locked; new replies are closed.');
      else if (thread.deleted || thread.hidden) setClosed('Members cannot see this story right now, so new replies are closed.');
      else if (thread.paused && !thread.mine) setClosed('The author has paused new replies for now. You can reply again when they resume.');
      else setClosed(null);
      const slow = thread.slowModeSeconds > 0 && !thread.locked;
      slowNote.hidden = !slow && !(thread.paused && thread.mine);
      slowNote.textContent =
        thread.paused && thread.mine
          ? 'You paused new replies: others cannot reply until you resume them.'
          : slow
            ? `Slow mode: one reply every ${thread.slowModeSeconds} seconds.`
            : '';
    };
    applyState(thread);

    /** Holds the Reply button for `seconds` (slow mode), counting down on it; the text stays in the box. */
    const holdForSlowMode = (seconds = thread.slowModeSeconds) => {
      if (!(seconds > 0)) return;
      clearTimeout(waitTimer);
      waitUntil = Date.now() + seconds * 1000;
      const tick = () => {
        const left = Math.ceil((waitUntil - Date.now()) / 1000);
        if (left <= 0 || signal.aborted) {
          submit.removeAttribute('aria-disabled');
          submit.textContent = 'Reply';
          return;
        }
        submit.setAttribute('aria-disabled', 'true');
        submit.textContent = `Reply (wait ${left} s)`;
        waitTimer = setTimeout(tick, 1000);
      };
      tick();
    };

    // One clientKey per reply attempt, reused on retry so a repeated send cannot post twice.
    let clientKey: string | null = null;
    let busy = false;

    ctrlEnterSubmits(body.control, form, signal);
    body.control.addEventListener(
      'input',
      () => {
        if (body.control.value.trim()) live.typing(threadId);
      },
      { signal },
    );

    form.addEventListener(
      'submit',
      async (event) => {
        event.preventDefault();
        if (busy || body.control.disabled) return;
        if (Date.now() < waitUntil) {
          errors.setGeneral(`Slow mode: you can reply again in ${durationInWords(waitUntil - Date.now())}.`);
          return;
        }
        const text = body.control.value;
        if (!errors.check({ body: text.trim() ? null : 'Write something before sending.' })) return;
        busy = true;
        let retryHold = 0;
        clientKey ??= randomId();
        submit.setAttribute('aria-disabled', 'true');
        submit.textContent = 'Sending…';
        let sent = false;
        try {
          // words of crisis: the crisis lines before the reply goes, and the choice to keep writing
          const check = await checkForCrisis(text, signal);
          if (check?.crisis && (await confirmCrisis(check.resources ?? [], { what: 'reply' })).action !== 'publish') {
            if (!signal.aborted) body.control.focus();
            return;
          }
          if (signal.aborted) return;
          const reply = await api.post<ReplyView>(
            `/threads/${seg(thread.id)}/replies`,
            { body: text, clientKey, anonymous: anonymous.control.checked || undefined, replyTo: replyingTo.id ?? undefined },
            { signal },
          );
          sent = true;
          clientKey = null;
          body.control.value = '';
          replyingTo.set(null);
          errors.clear();
          const safety = (reply as ReplyView & { safety?: ArrivalNotice['safety'] }).safety;
          support.replaceChildren(
            ...(safety?.crisis
              ? [
                  h(
                    'section',
                    { class: 'panel crisis-panel', 'aria-labelledby': 'reply-support-title' },
                    h('h3', { id: 'reply-support-title' }, 'You are not alone in this'),
                    h('p', null, 'Thank you for putting this into words. If things feel hard right now, these people are there to listen, any time:'),
                    resourceList(safety.resources ?? []),
                  ),
                ]
              : []),
          );
          const own = { ...reply, threadId: reply.threadId ?? thread.id };
          // the live push (built for nobody in particular) may have arrived first: the answer is this reader's own
          // view (mine, the markdown, whether it waits for a moderator because of crisis words), so it replaces it
          if (!view.addReply(own, { announce: false })) view.updateReply(own, true);
          announce(reply.status === 'pending' ? 'Your reply was sent and is waiting for a moderator to review it.' : 'Your reply was posted.');
          document.getElementById(replyAnchor(reply.id))?.scrollIntoView({ block: 'nearest' });
        } catch (error) {
          if (isAbort(error)) return;
          // The text stays in the box; the same clientKey is used if the reader tries again.
          if (error instanceof ApiError && error.status === 404 && replyingTo.id) {
            // the reply being answered is gone: the reader may send theirs to the story instead
            replyingTo.set(null);
            errors.setGeneral('The reply you were answering is no longer there. Your reply is still here: send it again to reply to the story.');
            return;
          }
          if (error instanceof ApiError && error.status === 404 && !staff) {
            showGone();
            return;
          }
          if (error instanceof ApiError && error.code === 'THREAD_LOCKED') applyState({ ...thread, locked: true });
          else if (error instanceof ApiError && error.code === 'REPLIES_PAUSED') applyState({ ...thread, paused: true });
          if (error instanceof ApiError && error.code === 'RATE_LIMITED' && error.retryAfter) {
            // the server says the wait in words; the button counts it down
            errors.setGeneral(`${error.message} Your reply is still here.`);
            retryHold = Math.ceil(error.retryAfter);
          } else errors.show(error);
          if (!body.control.disabled) body.control.focus();
        } finally {
          busy = false;
          submit.removeAttribute('aria-disabled');
          submit.textContent = 'Reply';
          if (sent && !staff) holdForSlowMode();
          else if (retryHold) holdForSlowMode(retryHold);
        }
      },
      { signal },
    );
    /** "Reply" on a reply: the box answers it, and the reader is taken to the box. */
    const answer = (target: ReplyQuoteView) => {
      if (body.control.disabled) return;
      replyingTo.set(target);
      body.control.focus();
    };
    return { element: form, applyState, answer };
  }

  void load();

  return () => {
    closeThread?.();
    closeThread = null;
    typing.dispose();
    view.dispose();
    if (active === view) active = null;
  };
}

/** Sends a reaction toggle; resolves with the server's counts, or null when it failed. */
async function toggleReaction(event: ReactionToggleEvent, path: string, signal: AbortSignal): Promise<ReactionState | null> {
  const { bar, kind, on } = event;
  bar.setBusy(kind, true);
  const revert = bar.optimistic(kind, on);
  try {
    const result = on ? await api.put<ReactionState>(path, undefined, { signal }) : await api.del<ReactionState>(path, { signal });
    if (result?.reactions) bar.update(result.reactions, result.myReactions ?? []);
    return result?.reactions ? result : null;
  } catch (error) {
    if (isAbort(error)) return null;
    revert();
    bar.showError(`That didn't go through. ${describeError(error)}`);
    return null;
  } finally {
    bar.setBusy(kind, false);
  }
}
