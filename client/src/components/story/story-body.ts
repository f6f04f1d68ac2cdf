// The story itself: the back link, its badges (pinned, locked, paused; for staff: awaiting review, hidden,
// deleted), title, meta line (category, author, when, edited, how many are reading), the author's "awaiting
// review" note, the support shown right after posting words of crisis, and its three parts behind the content
// warning, if any. The reactions, the story actions and the moderators' slot are placed after it by the screen.
import { qs } from '../../api.js';
import { authorEl } from '../author.js';
import { contentWarningGate } from '../content-warning.js';
import { resourceList } from '../crisis.js';
import { notApprovedNoticeContent, waitingNoticeContent } from '../waiting-notice.js';
import { h, replaceChildren, setServerHtml } from '../../dom.js';
import { categories } from '../../stores/categories.js';
import type { ArrivalNotice } from '../../stores/notices.js';
import { timeEl } from '../../time.js';
import { modLink } from './reply-item.js';
import type { MyThread } from './types.js';

export interface StoryBodyOptions {
  /** What the compose screen left for this story (pending, crisis support), taken once. */
  notice: ArrivalNotice | null;
  signal: AbortSignal;
  staff: boolean;
  me: string | null;
  setTitle(title: string): void;
  /** " · N reading", shown at the end of the meta line (typing-line.ts). */
  presence: HTMLElement;
}

function partSection(heading: string, html: string | undefined): HTMLElement | null {
  if (!html || !html.trim()) return null;
  const body = h('div', { class: 'prose' });
  setServerHtml(body, html);
  return h('section', { class: 'story-part' }, h('h2', null, heading), body);
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

export class StoryBody {
  readonly h1: HTMLElement;
  /** The three parts (or the content warning in front of them); hidden while the author edits the story. */
  readonly bodySlot: HTMLElement;
  readonly #badges: HTMLElement;
  readonly #edited: HTMLElement;
  readonly #categoryLink: HTMLElement;
  readonly #statusNote: HTMLElement;
  readonly #options: StoryBodyOptions;
  readonly #initial: MyThread;

  constructor(thread: MyThread, options: StoryBodyOptions) {
    this.#options = options;
    this.#initial = thread;
    this.h1 = h('h1', { class: 'story-title', id: 'story-h1', tabindex: '-1' }, thread.title);
    this.#badges = h('p', { class: 'card-badges' });
    this.#edited = h('span', { class: 'muted' });
    this.#categoryLink = h('a', { class: 'category' });
    this.bodySlot = h('div', { class: 'story-body-slot' });
    this.#statusNote = h('div', { class: 'notice', role: 'status' }, h('p', null, 'Awaiting review — only you and the moderators can see this.'));
  }

  /** Badges and the "awaiting review" note. */
  renderBadges(thread: MyThread): void {
    const { staff, notice } = this.#options;
    const pending = thread.status === 'pending';
    this.#badges.replaceChildren(
      ...[
        thread.pinned ? h('span', { class: 'badge badge-pinned' }, 'Pinned') : null,
        thread.locked ? h('span', { class: 'badge badge-locked' }, 'Locked') : null,
        thread.paused ? h('span', { class: 'badge badge-locked' }, 'Replies paused') : null,
        staff && pending ? h('span', { class: 'badge badge-warn' }, 'Awaiting review') : null,
        staff && thread.hidden ? h('span', { class: 'badge badge-warn' }, 'Hidden from members') : null,
        staff && thread.deleted ? h('span', { class: 'badge badge-warn' }, 'Deleted') : null,
      ].filter((b): b is HTMLSpanElement => b !== null),
    );
    this.#badges.hidden = !this.#badges.childElementCount;
    // What only the author (or the moderators) can see, said in words.
    // The author's own pending story (the moderators' notes are in their tools below).
    const statusNote = this.#statusNote;
    const notApproved = thread.status === 'rejected' && thread.mine;
    statusNote.hidden = !notApproved && !(pending && (thread.mine || notice?.pending));
    if (!statusNote.hidden) replaceChildren(statusNote, notApproved ? notApprovedNoticeContent('story') : waitingNoticeContent('story', thread.crisis === true));
  }

  /** Title (also the page's), "edited", category. */
  renderMeta(thread: MyThread): void {
    this.h1.textContent = thread.title;
    this.#options.setTitle(thread.title);
    this.#edited.textContent = thread.editedAt ? ' · edited' : '';
    this.#categoryLink.setAttribute('href', `/${qs({ category: thread.category })}`);
    this.#categoryLink.textContent = categories.find(thread.category)?.name ?? thread.category;
  }

  /** The three parts, behind the content warning if there is one. */
  renderBody(thread: MyThread): void {
    const parts = h(
      'div',
      { class: 'story-body' },
      partSection('What happened', thread.happenedHtml),
      partSection('How I handled it', thread.handledHtml),
      partSection('What I learned', thread.learnedHtml),
    );
    this.bodySlot.replaceChildren(thread.contentWarning ? contentWarningGate(thread.id, thread.contentWarning, parts, this.#options.signal) : parts);
  }

  /** The whole article; `after` (reactions, actions, panels, the moderators' slot) follows the story's parts. */
  article(...after: HTMLElement[]): HTMLElement {
    const thread = this.#initial;
    const { staff, me, notice, presence } = this.#options;
    return h(
      'article',
      { class: 'story-article', 'aria-labelledby': 'story-h1' },
      h('p', { class: 'back' }, h('a', { href: '/' }, h('span', { 'aria-hidden': 'true' }, '← '), 'All stories')),
      this.#badges,
      this.h1,
      h(
        'p',
        { class: 'story-meta' },
        this.#categoryLink,
        h('span', { class: 'meta-sep', 'aria-hidden': 'true' }, ' · '),
        'by ',
        authorEl(thread.author, me, { mine: Boolean(thread.mine) }),
        staff && 'username' in thread.author && !thread.mine ? [' ', modLink(thread.author.id, thread.author.username)] : null,
        h('span', { class: 'meta-sep', 'aria-hidden': 'true' }, ' · '),
        timeEl(thread.createdAt, 'shared '),
        this.#edited,
        presence,
      ),
      this.#statusNote,
      ...arrivalNotices(notice),
      this.bodySlot,
      ...after,
    );
  }
}
