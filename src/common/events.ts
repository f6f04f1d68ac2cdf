/** Domain events (`<entity>.<past-tense verb>`), emitted by services only after their transaction commits. */
export interface DomainEvents {
  'thread.created': { threadId: string };
  'thread.updated': { threadId: string; sections: boolean };
  'reply.created': { threadId: string; replyId: string };
  'reply.updated': { threadId: string; replyId: string };
  'reply.removed': { threadId: string; replyId: string };
  'sessions.ended': { userId: string; sessionIds: string[] | 'all'; reason: string };
  'notification.created': { userId: string; notificationId: string };
}

export type DomainEventName = keyof DomainEvents;
