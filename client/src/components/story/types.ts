// What the story screen's parts share, and the shape of the moderators' tools they are given.
//
// The moderators' code (client/src/mod) depends on these types; nothing under components/story or
// screens/story.ts imports client/src/mod statically: the screen fetches the staff chunk on demand
// (`import('../mod/index.js')`, staff only) and hands it to the parts as a StoryStaffTools.
import type { ThreadView } from '../../../../src/contract/views.js';
import type { AnyReply, ReplyAction } from './reply-item.js';

/** The thread as this reader's REST view carries it (`mine` and the markdown sources for the author). */
export type MyThread = ThreadView & { mine?: boolean };

/** What the moderators' story controls need from the screen. */
export interface ThreadToolsHost {
  thread(): MyThread;
  signal: AbortSignal;
  /** Fetches the story again and shows it (the socket also brings the change, this makes sure). */
  refresh(): Promise<void>;
}

/** What a moderator's panel on one reply needs from the screen. */
export interface ReplyPanelHost {
  signal: AbortSignal;
  close(): void;
  /** Shows the reply afresh after the action. */
  done(): Promise<void>;
}

/** The moderators' controls on a story page (mod/story-tools.ts, in the lazily loaded staff chunk). */
export interface StoryStaffTools {
  threadTools(host: ThreadToolsHost): { element: HTMLElement; update(thread: MyThread): void };
  replyPanel(action: ReplyAction, reply: AnyReply, host: ReplyPanelHost): { element: HTMLElement; focus(): void };
}
