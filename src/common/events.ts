import type { NotificationView, SupportMessageView } from '../contract/views.js';
import type { ReplyRow } from './event-payloads.js';

/** Domain events (`<entity>.<past-tense verb>`), emitted by services only after their transaction commits. */
export interface DomainEvents {
  'thread.created': { threadId: string };
  'thread.updated': { threadId: string; sections: boolean };
  /**
   * `row`: the reply as committed, when the emitter has it (a new reply), so listeners need not read it back;
   * `committedAt`: performance.now() at the commit, for the fan-out latency metric.
   */
  'reply.created': { threadId: string; replyId: string; row?: ReplyRow; committedAt?: number };
  'reply.updated': { threadId: string; replyId: string };
  'reply.removed': { threadId: string; replyId: string };
  /** A reaction was added or taken away (only when a count changed); the listener reads the counts it sends. */
  'reaction.updated': { targetType: 'thread' | 'reply'; targetId: string; threadId: string };
  'sessions.ended': { userId: string; sessionIds: string[] | 'all'; reason: string };
  /** What a member may read changed (role, two-factor under REQUIRE_STAFF_2FA): their sockets join again under the new rights. */
  'user.access_changed': { userId: string };
  /** An outbox row handled by a sweep, not right after its commit: what the first instance was to push may be lost. */
  'outbox.recovered': { topic: string; payload: unknown };
  /** A moderator started or ended a shift: safety mode may have changed. */
  'safety.changed': Record<string, never>;
  'notification.created': { userId: string; notificationId: string; view?: NotificationView };
  /** Notifications withdrawn because the reply that caused them was hidden or removed. */
  'notification.removed': { userId: string; ids: string[] };
  /** An alert for moderators was raised, or marked done: pushed to every staff socket. */
  'alert.raised': { alertId: string };
  'alert.resolved': { alertId: string };
  /** A message of a member's conversation with the team: `memberView` for the member, `staffView` for every staff socket. */
  'support.message_created': { memberId: string; memberView: SupportMessageView; staffView: SupportMessageView };
}

export type DomainEventName = keyof DomainEvents;
