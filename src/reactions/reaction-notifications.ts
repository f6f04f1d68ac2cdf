import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { excerptFromMarkdown } from '../common/markdown.js';
import type { AuthorView } from '../contract/views.js';
import { OutboxService } from '../database/outbox.service.js';
import type { OutboxTopics } from '../database/outbox.service.js';
import { SecretsService } from '../database/secrets.service.js';
import { EXCERPT_CHARS, shortTitle } from '../notifications/notification-text.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { RepliesRepository } from '../replies/replies.repository.js';
import { authorOf } from '../stories/thread.views.js';
import { ThreadsRepository } from '../stories/threads.repository.js';
import { ReactionsRepository } from './reactions.repository.js';

/**
 * A reaction tells the author of what was reacted to (never one's own reaction), grouped per story: at most one
 * notification per story an hour. Who reacted is named, or the story's pseudonym for the author of an anonymous
 * story; an author who blocked a named reactor is not told.
 */
@Injectable()
export class ReactionNotifications implements OnModuleInit {
  constructor(
    private readonly secrets: SecretsService,
    private readonly notifications: NotificationsService,
    private readonly threads: ThreadsRepository,
    private readonly replies: RepliesRepository,
    private readonly reactions: ReactionsRepository,
    private readonly outbox: OutboxService,
  ) {}

  onModuleInit(): void {
    // from the reaction's outbox row, written with the reaction
    this.outbox.handle('reaction.added', (em, e) => this.reactionAdded(em, e));
  }

  private async reactionAdded(em: EntityManager, e: OutboxTopics['reaction.added']): Promise<(() => void) | void> {
    // what was reacted to first (a reply is locked before any notification row, as hiding it does)
    const c = e.targetType === 'thread' ? await this.threads.reactionNotice(em, e.targetId, e.userId) : await this.replies.reactionNotice(em, e.targetId, e.userId);
    // gone, no longer public, one's own, or the author may not read it or blocked the reactor
    if (!c || !c.public || !c.recipient_reads || c.recipient_id === e.userId || c.blocked) return;
    // taken back already
    if (!(await this.reactions.has(em, e.targetType, e.targetId, e.userId, e.kind))) return;
    const who: AuthorView = authorOf(this.secrets.appSecret, c.thread_id, e.userId, c.reactor_username, !c.named, false, c.reactor_gone);
    const name = 'username' in who ? who.username : who.pseudonym;
    const title = shortTitle(c.title);
    const g = await this.notifications.addToGroup(em, c.recipient_id, {
      kind: 'reaction',
      threadId: c.thread_id,
      replyId: e.targetType === 'reply' ? e.targetId : null,
      reaction: e.kind,
      actor: who,
      excerpt: excerptFromMarkdown(c.source_md, EXCERPT_CHARS),
      text: e.targetType === 'thread' ? `${name} reacted to your story "${title}"` : `${name} reacted to your reply in "${title}"`,
    });
    if (g) return () => this.notifications.announceView(c.recipient_id, g.view, g.update);
  }
}
