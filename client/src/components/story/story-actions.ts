// The buttons under a story and the panel they open in place: for its author Edit, Pause / Resume replies,
// Delete and Mute; for a reader Report, Block the author (when named) and Mute. The moderators' own controls are
// not here (mod/story-tools.ts, loaded for staff only).
import { api, describeError, seg } from '../../api.js';
import { announce } from '../announcer.js';
import { editForm, loadForEditing } from '../edit-form.js';
import { textField } from '../field.js';
import { confirmPanel, reportPanel } from '../panels.js';
import { h, isAbort } from '../../dom.js';
import { navigate } from '../../navigation.js';
import type { ThreadUpdate } from '../../stores/live.js';
import { session } from '../../stores/session.js';
import type { MyThread } from './types.js';

/** Asks before blocking a named member (block-member.ts); `close` and `show` place the confirmation. */
export type BlockMember = (username: string, userId: string, close: () => void, show: (el: HTMLElement) => void) => void;

export interface StoryActionsHost {
  thread(): MyThread;
  signal: AbortSignal;
  me(): string | null;
  /** Applies the story as the server answered this reader's own change. */
  apply(update: ThreadUpdate, personal: boolean): void;
  /** Hides (while the author edits) or shows again the story's parts and its reactions. */
  hideStory(hidden: boolean): void;
  /** Set while this reader deletes the story, so its own "gone" echo does not replace the screen. */
  deleting(on: boolean): void;
  blockMember: BlockMember;
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

export class StoryActions {
  /** The buttons. */
  readonly tools: HTMLElement;
  /** Where a button's form or confirmation opens. */
  readonly panel: HTMLElement;
  readonly #host: StoryActionsHost;

  constructor(host: StoryActionsHost) {
    this.#host = host;
    this.panel = h('div', { class: 'story-panel' });
    this.tools = h('div', { class: 'story-tools', role: 'group', 'aria-label': 'Story actions' });
  }

  #closePanel(focus?: HTMLElement | null): void {
    this.panel.replaceChildren();
    this.#host.hideStory(false);
    this.tools.hidden = false;
    focus?.focus();
  }

  #button(label: string, action: string, run: (button: HTMLButtonElement) => void): HTMLButtonElement {
    const button = h('button', { type: 'button', class: 'button button-small button-quiet', 'data-action': action }, label);
    button.addEventListener('click', () => run(button));
    return button;
  }

  render(): void {
    const thread = this.#host.thread();
    const { signal } = this.#host;
    const named = 'username' in thread.author ? thread.author : null;
    if (thread.mine) {
      this.tools.replaceChildren(
        this.#button('Edit story', 'edit-story', (b) => void this.#editStory(b)),
        this.#button(thread.paused ? 'Resume replies' : 'Pause new replies', 'pause', (b) => void this.#togglePause(b)),
        this.#button('Delete story', 'delete-story', (b) => this.#deleteStory(b)),
        muteToggle(thread.id, signal),
      );
    } else {
      const buttons = [
        this.#button('Report story', 'report-story', (b) => {
          const panel = reportPanel('thread', thread.id, 'this story', () => this.#closePanel(b));
          this.panel.replaceChildren(panel.element);
          panel.focus();
        }),
        named && named.id !== this.#host.me()
          ? this.#button(`Block ${named.username}`, 'block-author', (b) =>
              this.#host.blockMember(named.username, named.id, () => this.#closePanel(b), (el) => this.panel.replaceChildren(el)),
            )
          : null,
      ];
      this.tools.replaceChildren(...buttons.filter((b): b is HTMLButtonElement => b !== null), muteToggle(thread.id, signal));
    }
  }

  /** Renders the buttons again (paused or locked changed), keeping focus on the same button. */
  rerender(): void {
    const active = document.activeElement;
    const focused = active instanceof HTMLElement && this.tools.contains(active) ? active.dataset.action : null;
    this.render();
    if (focused) this.tools.querySelector<HTMLElement>(`[data-action="${focused}"]`)?.focus();
  }

  async #editStory(button: HTMLButtonElement): Promise<void> {
    const { signal } = this.#host;
    const thread = this.#host.thread();
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
    const close = () => this.#closePanel(this.tools.querySelector<HTMLElement>('[data-action="edit-story"]'));
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
        const updated = await api.patch<MyThread>(`/threads/${seg(this.#host.thread().id)}`, patchFor(next), { signal });
        this.#host.apply(updated, true);
        close();
        announce('Your story was updated.');
      },
    });
    this.#host.hideStory(true);
    this.tools.hidden = true;
    this.panel.replaceChildren(form);
    title.control.focus();
  }

  async #togglePause(button: HTMLButtonElement): Promise<void> {
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    const { signal } = this.#host;
    const thread = this.#host.thread();
    const pausing = !thread.paused;
    try {
      const updated = await api.post<MyThread>(`/threads/${seg(thread.id)}/${pausing ? 'pause' : 'resume'}`, undefined, { signal });
      this.#host.apply({ ...updated, paused: updated.paused ?? pausing }, true);
      announce(pausing ? 'New replies are paused.' : 'Replies are open again.');
      this.tools.querySelector<HTMLElement>('[data-action="pause"]')?.focus();
    } catch (error) {
      if (isAbort(error)) return;
      announce(`That didn't go through. ${describeError(error)}`);
    } finally {
      this.tools.querySelector('[data-action="pause"]')?.removeAttribute('aria-disabled');
    }
  }

  #deleteStory(button: HTMLButtonElement): void {
    const { signal } = this.#host;
    const panel = confirmPanel({
      message: 'Delete your story?',
      detail: 'Members will no longer see it or its replies. The moderators can still restore it if you ask.',
      confirmLabel: 'Delete story',
      cancelLabel: 'Keep it',
      danger: true,
      onCancel: () => this.#closePanel(button),
      onConfirm: async () => {
        this.#host.deleting(true);
        try {
          await api.del(`/threads/${seg(this.#host.thread().id)}`, { signal });
        } catch (error) {
          this.#host.deleting(false);
          throw error;
        }
        announce('Your story was deleted.');
        navigate('/');
      },
    });
    this.panel.replaceChildren(panel.element);
    panel.focus();
  }
}
