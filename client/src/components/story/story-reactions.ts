// Reactions on a story page: one listener for every reaction bar on it (the story's and each reply's). A toggle
// shows at once, is sent, and is undone with a word if the server refused it. Live counts from others arrive
// through the screen ('reaction.updated').
import type { ReactionCounts, ReactionKind } from '../../../../src/contract/views.js';
import { api, describeError, seg } from '../../api.js';
import { ReactionToggleEvent } from '../reactions.js';
import { isAbort } from '../../dom.js';

export interface ReactionState {
  reactions: ReactionCounts;
  myReactions: ReactionKind[];
}

export interface StoryReactionsHost {
  threadId: string;
  signal: AbortSignal;
  /** The server's answer for the story's own bar. */
  story(state: ReactionState): void;
  /** The server's answer for a reply's bar. */
  reply(replyId: string, state: ReactionState): void;
}

/** Answers the ReactionToggleEvents bubbling up to `root`. */
export function listenForReactions(root: HTMLElement, host: StoryReactionsHost): void {
  const { signal } = host;
  root.addEventListener(
    ReactionToggleEvent.type,
    (event) => {
      if (!(event instanceof ReactionToggleEvent)) return;
      const replyEl = event.bar.element.closest<HTMLElement>('[data-reply-id]');
      const path = replyEl
        ? `/replies/${seg(replyEl.dataset.replyId ?? '')}/reactions/${event.kind}`
        : `/threads/${seg(host.threadId)}/reactions/${event.kind}`;
      const replyId = replyEl?.dataset.replyId;
      void toggleReaction(event, path, signal).then((state) => {
        if (state && replyId) host.reply(replyId, { reactions: state.reactions, myReactions: state.myReactions ?? [] });
        else if (state && !replyId) host.story({ reactions: state.reactions, myReactions: state.myReactions ?? [] });
      });
    },
    { signal },
  );
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
