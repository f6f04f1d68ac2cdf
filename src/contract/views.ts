// The wire contract (DESIGN.md "API" and "Realtime"): view shapes and event names shared by src/ and client/,
// so that the server and the browser client cannot drift apart. Types only: nothing here runs.

export type Role = 'member' | 'moderator' | 'admin';

export interface UserView {
  id: string;
  username: string;
  role: Role;
  createdAt: string;
}

export interface MeView extends UserView {
  unreadNotifications: number;
  /** Staff only: alerts not yet marked done (GET /mod/alerts). */
  openAlerts?: number;
  /** A break from notifications, until this time (null when not on a break). */
  breakUntil: string | null;
  /** Two-factor sign-in is on. */
  twoFactor: boolean;
  /** The end of a suspension (null when not suspended): the member may read but not write until then. */
  suspendedUntil: string | null;
}

export interface RegisteredView extends UserView {
  recoveryCodes?: string[];
}

/**
 * A named author, or for anonymous posts only a pseudonym (never the account). `isAuthor` marks the story's own
 * author (on the story and on their replies in it); it does not mean the viewer wrote it (that is `mine`).
 */
export type AuthorView = { id: string; username: string } | { pseudonym: string; isAuthor?: boolean };

export type ReactionKind = 'relate' | 'thanks' | 'helped';
export type ReactionCounts = Record<ReactionKind, number>;

/** "Just listening" or "Advice welcome": set by a story's author when posting, changed by PATCH /threads/:id. */
export type ReplyMode = 'listening' | 'advice';
export const REPLY_MODES: readonly ReplyMode[] = ['listening', 'advice'];

/** A gentle suggestion about a reply being written; it never stops it being sent. */
export interface ReplyNudgeView {
  code: 'ADVICE_WHILE_LISTENING';
  message: string;
}

/** POST /threads/:id/replies/check: what the reply box may say about a draft while the reader pauses typing (nothing is stored). */
export interface ReplyCheckView {
  crisis: boolean;
  resources?: ResourceView[];
  nudges: ReplyNudgeView[];
}

export interface CategoryView {
  slug: string;
  name: string;
  description: string;
}

export interface ThreadView {
  id: string;
  title: string;
  category: string;
  author: AuthorView;
  anonymous: boolean;
  happenedHtml: string;
  handledHtml: string;
  learnedHtml: string;
  happened?: string;
  handled?: string;
  learned?: string;
  contentWarning: string | null;
  locked: boolean;
  pinned: boolean;
  hidden: boolean;
  deleted?: boolean;
  paused?: boolean;
  slowModeSeconds: number;
  /** what the author would like from readers: to just listen, or advice (DESIGN "The author's arc") */
  replyMode: ReplyMode;
  replyCount: number;
  reactions: ReactionCounts;
  myReactions: ReactionKind[];
  status?: 'published' | 'pending' | 'rejected';
  /** matched a crisis phrase (its author and staff only) */
  crisis?: boolean;
  createdAt: string;
  editedAt: string | null;
  lastActivityAt: string;
  /** the author's follow-ups ("N months later"), oldest first, shown under the story's own author or pseudonym */
  followUps?: FollowUpView[];
  /** the replies the author marked "this helped me most" (at most three), in the order they were marked */
  highlightedReplyIds?: string[];
  /** the author's own pending follow-up reminder (only in their own view): when it is due, or null */
  reminderAt?: string | null;
}

/** A follow-up its author added under their story (POST /threads/:id/follow-ups). */
export interface FollowUpView {
  id: string;
  threadId: string;
  bodyHtml: string;
  createdAt: string;
}

export interface ThreadListItemView {
  id: string;
  title: string;
  category: string;
  excerpt: string;
  author: AuthorView;
  anonymous: boolean;
  contentWarning: string | null;
  pinned: boolean;
  locked: boolean;
  replyCount: number;
  reactions: ReactionCounts;
  createdAt: string;
  lastActivityAt: string;
}

/**
 * What a reply answers: the answered reply's author (as the view shows it) and a short plain-text excerpt; both null
 * when this reader may no longer see it (deleted, hidden, or by a member they blocked).
 */
export interface ReplyQuoteView {
  id: string;
  author: AuthorView | null;
  excerpt: string | null;
}

export interface ReplyView {
  id: string;
  threadId: string;
  /** The reply this one answers (DESIGN "Conversation"); null when it answers the story. */
  replyTo?: ReplyQuoteView | null;
  author: AuthorView;
  anonymous: boolean;
  bodyHtml: string;
  body?: string;
  status: 'published' | 'pending' | 'rejected';
  /** matched a crisis phrase (its author and staff only) */
  crisis?: boolean;
  reactions: ReactionCounts;
  myReactions: ReactionKind[];
  createdAt: string;
  editedAt: string | null;
  deleted: false;
  blocked?: boolean;
}

export interface DeletedReplyView {
  id: string;
  threadId: string;
  deleted: true;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** `GET /threads/:id?include=replies`: the story and the first page of its replies (as `GET /threads/:id/replies` answers it), in one request. */
export type StoryPageView<R = ReplyView | DeletedReplyView> = ThreadView & { replies: Page<R> };

export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  errors?: { field: string; message: string }[];
  retryAfter?: number;
  until?: string;
}

export interface NotificationView {
  id: string;
  kind: string;
  threadId: string | null;
  /** the reply it is about (for a group: the latest one), or null */
  replyId: string | null;
  /** what happened, in words ("Maya and 2 others replied to your story …"), plain text */
  text: string;
  read: boolean;
  /** when it happened (for a group: when the latest reply or reaction joined it) */
  createdAt: string;
  /** who caused it (for a group: the latest of them): a named member, or an anonymous post's pseudonym only */
  actor?: AuthorView | null;
  /** a short plain-text excerpt of the reply, or of what was reacted to */
  excerpt?: string | null;
  /** a group (kind `reply` or `reaction`): how many replies or reactions it holds */
  count?: number;
  /** a group: the most recent few of the people in it, newest first, each once */
  actors?: AuthorView[];
  /** a group: how many different people it holds */
  actorCount?: number;
  /** set on a live push that replaces a notification the member already has (a group that grew or shrank) */
  update?: boolean;
}

/** `reaction.updated`, to a story's room: the new counts of the story's or one reply's reactions (nobody's own). */
export interface ReactionUpdateView {
  targetType: 'thread' | 'reply';
  targetId: string;
  threadId: string;
  reactions: ReactionCounts;
}

/** Server → client socket events. */
export const ServerEvents = {
  replyCreated: 'reply.created',
  replyUpdated: 'reply.updated',
  replyRemoved: 'reply.removed',
  threadUpdated: 'thread.updated',
  typing: 'typing',
  presence: 'presence',
  reactionUpdated: 'reaction.updated',
  notification: 'notification',
  sessionEnded: 'session.ended',
  safetyStatus: 'safety.status',
  /** to every staff socket: an alert raised or marked done (AlertView) */
  modAlert: 'mod.alert',
  /** to the owner's `user:<id>` room: notifications withdrawn (the reply or story that caused them was hidden or removed) */
  notificationRemoved: 'notification.removed',
  supportMessage: 'support.message',
} as const;

/** Client → server socket events (each answered through an ack). */
export const ClientEvents = {
  join: 'thread.join',
  leave: 'thread.leave',
  typing: 'typing',
} as const;

/** A post waiting for review (GET /mod/queue), as moderators see it. */
export interface QueueItemView {
  id: string;
  type: 'thread' | 'reply';
  threadId: string;
  title: string;
  bodyHtml: string;
  author: AuthorView;
  anonymous: boolean;
  createdAt: string;
  /** matched a crisis phrase (in the risk order of safety mode) */
  crisis?: boolean;
  /** open reports on it (in the risk order of safety mode) */
  openReports?: number;
}

/** A crisis line or service (CRISIS_RESOURCES). */
export interface ResourceView {
  name: string;
  description: string;
  url?: string;
  phone?: string;
}

/** GET /help (public): the resources and a few calm words around them. */
export interface HelpView {
  resources: ResourceView[];
  text: string;
}

/**
 * A message of a member's private conversation with the moderation team. `moderator` names who wrote a team message:
 * always for staff, for the member only when the moderator chose to sign it. `member` (staff views and the live
 * `support.message` push) says whose conversation it is.
 */
export interface SupportMessageView {
  id: string;
  from: 'member' | 'team';
  moderator?: { username: string };
  bodyHtml: string;
  resources?: ResourceView[];
  createdAt: string;
  member?: { id: string; username: string };
}

/** GET /mod/support: one row per conversation; `unread` counts the member's messages no one on the team has opened yet. */
export interface SupportConversationView {
  userId: string;
  username: string;
  lastMessageAt: string;
  unread: number;
}

export type AlertKind = 'crisis_post' | 'crisis_report' | 'report_threshold';

/**
 * What an alert or a group of reports is about, as staff see it: the story, reply or member, the story's title, the
 * post's text, and its named author or an anonymous post's pseudonym (never the account behind it).
 */
export interface ModTargetView {
  targetType: 'thread' | 'reply' | 'user';
  targetId: string;
  threadId: string | null;
  threadTitle: string | null;
  excerpt: string | null;
  author: AuthorView | null;
}

/**
 * GET /mod/alerts and the `mod.alert` push: what needs a moderator now (the client blurs `excerpt` until the
 * moderator chooses to read it).
 */
export interface AlertView extends ModTargetView {
  id: string;
  kind: AlertKind;
  createdAt: string;
  doneAt: string | null;
  doneBy: { id: string; username: string } | null;
  note: string | null;
}

/** GET /mod/reports: the reports of one target, grouped (`reportIds`: any of them resolves them all). */
export interface ReportGroupView extends ModTargetView {
  reasons: Record<string, number>;
  /** distinct members who reported it (automatic reports not counted) */
  reporters: number;
  automatic: boolean;
  notes: string[];
  status: 'open' | 'resolved';
  firstAt: string;
  lastAt: string;
  reportIds: string[];
}

/** A moderation log entry: who acted, on whom (`subject`: a named author or member, never an anonymous post's account) and on what. */
export interface ModLogEntryView {
  id: string;
  actor: { id: string; username: string | null } | null;
  automatic: boolean;
  action: string;
  targetType: string;
  targetId: string;
  subject: AuthorView | null;
  target: { type: string; id: string; threadId: string | null; threadTitle: string | null; excerpt: string | null };
  reason: string | null;
  data: unknown;
  createdAt: string;
}

/** GET /safety/status and the `safety.status` socket event: whether safety mode is on, for everyone. */
export interface SafetyStatusView {
  safetyMode: boolean;
  moderatorsOnDuty: number;
  resources: { name: string; description: string; url?: string; phone?: string }[];
}

/** POST /mod/duty: the moderator's own shift (`until` is when it ends by itself; null when off duty). */
export interface DutyView {
  onDuty: boolean;
  until: string | null;
}

/** One "what I learned" part in the lessons index (`GET /api/lessons`); `helped` = helped reactions + highlighted replies. */
export interface LessonView {
  threadId: string;
  title: string;
  category: string;
  author: AuthorView;
  learnedHtml: string;
  helped: number;
  contentWarning: string | null;
  createdAt: string;
}

/** Similar stories (`GET /api/threads/similar`, `GET /api/threads/:id/similar`): at most 10, most similar first. */
export interface SimilarStoriesView {
  items: ThreadListItemView[];
}
