import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { replyBlocked, replyNamed, replyPublic, storyPublic, storyReadable } from '../access/read-rule.js';
import { excerptFromMarkdown } from '../common/markdown.js';
import type { NotificationView } from '../contract/views.js';
import { OutboxService } from '../database/outbox.service.js';
import type { OutboxTopics } from '../database/outbox.service.js';
import { prepared, run } from '../database/prepared.js';
import { SecretsService } from '../database/secrets.service.js';
import { EXCERPT_CHARS, findMentions, shortTitle } from '../notifications/notification-text.js';
import { NotificationsService, replyNotified } from '../notifications/notifications.service.js';
import type { NewNotification, NotificationRow } from '../notifications/notifications.service.js';
import { authorOf } from '../stories/thread.views.js';
import { UsersRepository } from '../users/users.repository.js';

const REPLY_CONTEXT = prepared(
  'notification.reply_context',
  `SELECT r.id::text AS reply_id, r.thread_id, r.author_id AS replier_id, u.username AS replier_username, NOT ${replyNamed('r', 't')} AS anonymous, r.body_md,
          t.author_id AS thread_author_id, t.title, ${replyPublic('r')} AND ${storyPublic('t')} AS public,
          ${replyBlocked('r', 't', 't.author_id')} AS author_blocked_replier,
          ${replyNotified('r.id')} AS told,
          -- the author of the reply this one answers: told unless it is their own, they cannot read the story, or they
          -- blocked the replier (named replies only: a block never changes anything about an anonymous post)
          CASE WHEN q.author_id <> r.author_id AND qu.banned_at IS NULL AND ${replyPublic('q')}
                AND ${storyReadable('t', { id: 'q.author_id', staff: 'false' })} AND NOT ${replyBlocked('r', 't', 'q.author_id')}
               THEN q.author_id END AS answered_id
     FROM replies r JOIN threads t ON t.id = r.thread_id JOIN users u ON u.id = r.author_id
     LEFT JOIN replies q ON q.id = r.reply_to LEFT JOIN users qu ON qu.id = q.author_id
    WHERE r.id = $1::bigint AND r.thread_id = $2
    -- the reply first, as hiding or removing it locks it before it withdraws its notifications: a notification row
    -- is never held while waiting for it (no deadlock with a withdrawal). Not the story: new replies lock it.
      FOR KEY SHARE OF r`,
);

interface ReplyContext {
  reply_id: string;
  thread_id: string;
  replier_id: string;
  replier_username: string;
  anonymous: boolean;
  body_md: string;
  thread_author_id: string;
  title: string;
  public: boolean;
  author_blocked_replier: boolean;
  /** what this reply causes was already written (from the other of its two outbox rows, when it was held) */
  told: boolean;
  answered_id: string | null;
}

/**
 * Of members $1 (in that order), those who are not the author of reply $2 and could read its story and the reply in
 * full (a named reply by someone they blocked is not theirs to be told of).
 */
const MENTIONED_READERS = prepared(
  'notification.mentioned_readers',
  `SELECT m.id::text AS id
     FROM unnest($1::uuid[]) WITH ORDINALITY AS m(id, ord), replies r JOIN threads t ON t.id = r.thread_id
    WHERE r.id = $2::bigint AND m.id <> r.author_id
      AND ${storyReadable('t', { id: 'm.id', staff: 'false' })} AND NOT ${replyBlocked('r', 't', 'm.id')}
    ORDER BY m.ord`,
);

/**
 * Turns new replies into notifications: one for the author of the reply it answers (`reply_to_you`), one for the
 * story's author (unless just told as the one answered), one per member @mentioned. Here, with the replies it reads;
 * the notifications module stores and pushes them.
 */
@Injectable()
export class ReplyNotifications implements OnModuleInit {
  constructor(
    private readonly secrets: SecretsService,
    private readonly notifications: NotificationsService,
    private readonly users: UsersRepository,
    private readonly outbox: OutboxService,
  ) {}

  onModuleInit(): void {
    // from the reply's outbox row: written with the reply, so a crash after its commit cannot lose them
    this.outbox.handle('reply.created', (em, e) => this.replyCreated(em, e));
  }

  /** In the outbox row's transaction; returns the live pushes to make once it has committed. */
  private async replyCreated(em: EntityManager, { threadId, replyId }: OutboxTopics['reply.created']): Promise<() => void> {
    const stored: [string, NotificationRow][] = [];
    const grouped: [string, NotificationView, boolean][] = [];
    const notify = async (userId: string, n: NewNotification) => {
      const row = await this.notifications.insert(em, userId, n);
      if (row) stored.push([userId, row]);
    };
    const announce = () => {
      for (const [userId, row] of stored) this.notifications.announce(userId, row);
      for (const [userId, view, update] of grouped) this.notifications.announceView(userId, view, update);
    };
    const rows: ReplyContext[] = await run(em, REPLY_CONTEXT, [replyId, threadId]);
    const r = rows[0];
    // only a reply everyone can see tells anyone anything; a held one is notified if and when it is published (its
    // approval writes a second row: whichever finds it public first tells, the other finds it told already)
    if (!r?.public || r.told) return announce;

    const who = authorOf(this.secrets.appSecret, r.thread_id, r.replier_id, r.replier_username, r.anonymous);
    const name = 'username' in who ? who.username : who.pseudonym;
    // an anonymous replier's account is not even stored with the notification
    const actorId = r.anonymous ? null : r.replier_id;
    const title = shortTitle(r.title);
    const excerpt = excerptFromMarkdown(r.body_md, EXCERPT_CHARS);
    const ref = { threadId: r.thread_id, replyId: r.reply_id, actorId, actorPseudonym: 'pseudonym' in who ? who.pseudonym : null, excerpt };

    if (r.answered_id) await notify(r.answered_id, { kind: 'reply_to_you', text: `${name} replied to you in "${title}"`, ...ref });
    const notifyAuthor = r.thread_author_id !== r.replier_id && !r.author_blocked_replier && r.answered_id !== r.thread_author_id;

    const keys = findMentions(r.body_md);
    if (keys.length) {
      // mentioned members who exist and are not banned, then those of them who could read the story and this reply
      const named = await this.users.idsNotBannedByUsernameKeys(em, keys);
      const mentioned: { id: string }[] = named.length ? await run(em, MENTIONED_READERS, [named, r.reply_id]) : [];
      for (const m of mentioned) {
        if ((notifyAuthor && m.id === r.thread_author_id) || m.id === r.answered_id) continue; // already told of this reply
        await notify(m.id, { kind: 'mention', text: `${name} mentioned you in "${title}"`, ...ref });
      }
    }
    // the group last: its row is locked until this commits, so nothing after it may wait on the story or the reply
    // (a withdrawal holds those and waits for the group)
    if (notifyAuthor) {
      // replies to a story since its author last read about them are one notification ("Maya and 2 others replied")
      const g = await this.notifications.addToGroup(em, r.thread_author_id, {
        kind: 'reply',
        threadId: r.thread_id,
        replyId: r.reply_id,
        actor: who,
        excerpt,
        text: `${name} replied to your story "${title}"`,
      });
      if (g) grouped.push([r.thread_author_id, g.view, g.update]);
    }
    return announce;
  }
}
