import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, EntityManager } from 'typeorm';
import { assertCanWrite, REPLY_ID_RE } from '../access/policy.js';
import type { Viewer } from '../access/viewer.js';
import { DomainError, forbidden, invalid, notFound } from '../common/errors.js';
import { SecretsService } from '../database/secrets.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { RepliesRepository } from '../replies/replies.repository.js';
import type { NotificationRow } from '../notifications/notifications.service.js';
import { StoriesService } from '../stories/stories.service.js';
import { authorOf } from '../stories/thread.views.js';
import { quotedTitle } from './arc.views.js';

/** How many replies an author may mark as having helped them most. */
export const MAX_HIGHLIGHTS = 3;


/**
 * "This helped me most": the author marks up to three replies of their story, shown at the top of it; each reply's
 * writer is told (never the author themselves). Marking is idempotent and ordered by the story's row lock.
 */
@Injectable()
export class HighlightsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly stories: StoriesService,
    private readonly notifications: NotificationsService,
    private readonly replies: RepliesRepository,
    private readonly secrets: SecretsService,
    private readonly events: EventEmitter2,
  ) {}

  async set(viewer: Viewer, threadId: string, replyId: string, on: boolean): Promise<{ highlightedReplyIds: string[] }> {
    assertCanWrite(viewer);
    if (typeof replyId !== 'string' || !REPLY_ID_RE.test(replyId)) throw invalid('replyId', 'replyId must be a reply id (a whole number)');
    const { ids, told, changed } = await this.dataSource.transaction(async (em) => {
      const t = await this.stories.loadReadable(viewer, threadId, em, true);
      if (t.author_id !== viewer.id) throw forbidden('Only the author can mark the replies that helped them.');
      if (t.gone) throw notFound('That story');
      let told: NotificationRow | null = null;
      let changed = false;
      let replyAuthor = '';
      if (on) {
        // a reply of this story that everyone sees in full, and that its author has not blocked
        const r = await this.replies.highlightCandidate(em, replyId, t.id, viewer.id);
        if (!r || !r.public || r.blocked) throw notFound('That reply in this story');
        const [already]: unknown[] = await em.query(`SELECT 1 FROM reply_highlights WHERE thread_id = $1 AND reply_id = $2::bigint`, [t.id, r.id]);
        if (!already) {
          const marked = await this.highlighted(em, t.id);
          if (marked.length >= MAX_HIGHLIGHTS) {
            throw new DomainError('TOO_MANY_HIGHLIGHTS', `You can mark up to ${MAX_HIGHLIGHTS} replies as the ones that helped you most. Unmark one first.`);
          }
          await em.query(`INSERT INTO reply_highlights (thread_id, reply_id) VALUES ($1, $2::bigint)`, [t.id, r.id]);
          changed = true;
          replyAuthor = r.author_id;
        }
        if (changed && replyAuthor !== viewer.id) {
          // the story's author as the story shows them: an anonymous story's author by its pseudonym only
          const who = authorOf(this.secrets.appSecret, t.id, t.author_id, t.author_username, t.anonymous, true, t.author_gone);
          const name = 'username' in who ? who.username : who.pseudonym;
          told = await this.notifications.insert(em, replyAuthor, {
            kind: 'highlighted',
            text: `${name} marked your reply to “${quotedTitle(t.title)}” as one that helped them most`,
            threadId: t.id,
            replyId: r.id,
            actorId: t.anonymous ? null : t.author_id,
          });
        }
      } else {
        const [, n]: [unknown, number] = await em.query(`DELETE FROM reply_highlights WHERE thread_id = $1 AND reply_id = $2::bigint`, [t.id, replyId]);
        changed = n > 0;
      }
      return { ids: await this.highlighted(em, t.id), told: told ? ([replyAuthor, told] as const) : null, changed };
    });
    if (told) this.notifications.announce(told[0], told[1]);
    if (changed) this.events.emit('thread.updated', { threadId, sections: false });
    return { highlightedReplyIds: ids };
  }

  /** The story's marked replies that everyone still sees in full (a hidden or deleted one no longer counts), in the order marked. */
  private async highlighted(em: EntityManager, threadId: string): Promise<string[]> {
    const rows: { id: string }[] = await em.query(`SELECT reply_id::text AS id FROM reply_highlights WHERE thread_id = $1 ORDER BY created_at, reply_id`, [threadId]);
    return this.replies.shownInFull(em, threadId, rows.map((r) => r.id));
  }
}
