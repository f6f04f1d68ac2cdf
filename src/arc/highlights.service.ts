import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import { assertCanWrite, REPLY_ID_RE } from '../access/policy.js';
import { replyBlocked, replyPublic } from '../access/read-rule.js';
import type { Viewer } from '../access/viewer.js';
import { DomainError, forbidden, invalid, notFound } from '../common/errors.js';
import { SecretsService } from '../database/secrets.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import type { NotificationRow } from '../notifications/notifications.service.js';
import { StoriesService } from '../stories/stories.service.js';
import { authorOf } from '../stories/thread.views.js';
import { quotedTitle } from './arc.views.js';

/** How many replies an author may mark as having helped them most. */
export const MAX_HIGHLIGHTS = 3;

const HIGHLIGHTED = `SELECT h.reply_id::text AS id FROM reply_highlights h JOIN replies r ON r.id = h.reply_id
  WHERE h.thread_id = $1 AND ${replyPublic('r')} ORDER BY h.created_at, h.reply_id`;

interface Candidate {
  id: string;
  author_id: string;
  public: boolean;
  blocked: boolean;
  marked: boolean;
}

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
        const [r]: Candidate[] = await em.query(
          `SELECT r.id::text AS id, r.author_id, ${replyPublic('r')} AS public, ${replyBlocked('r', 't', '$3')} AS blocked,
                  EXISTS (SELECT 1 FROM reply_highlights h WHERE h.thread_id = r.thread_id AND h.reply_id = r.id) AS marked
             FROM replies r JOIN threads t ON t.id = r.thread_id
            WHERE r.id = $1::bigint AND r.thread_id = $2`,
          [replyId, t.id, viewer.id],
        );
        if (!r || !r.public || r.blocked) throw notFound('That reply in this story');
        if (!r.marked) {
          const marked: { id: string }[] = await em.query(HIGHLIGHTED, [t.id]);
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
      const rows: { id: string }[] = await em.query(HIGHLIGHTED, [t.id]);
      return { ids: rows.map((x) => x.id), told: told ? ([replyAuthor, told] as const) : null, changed };
    });
    if (told) this.notifications.announce(told[0], told[1]);
    if (changed) this.events.emit('thread.updated', { threadId, sections: false });
    return { highlightedReplyIds: ids };
  }
}
