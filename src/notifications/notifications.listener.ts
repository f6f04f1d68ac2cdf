import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { prepared, run } from '../database/prepared.js';
import { SecretsService } from '../database/secrets.service.js';
import { authorOf } from '../stories/thread.views.js';
import { usernameKey } from '../users/users.service.js';
import { NotificationsService } from './notifications.service.js';
import type { NewNotification, NotificationRow } from './notifications.service.js';
import { OutboxService } from '../database/outbox.service.js';
import type { OutboxTopics } from '../database/outbox.service.js';
import { namedActorBlocked, reactorNamed, replyBlocked, replyNamed, replyPublic, storyPublic, storyReadable } from '../access/read-rule.js';
import { excerptFromMarkdown } from '../common/markdown.js';
import type { AuthorView, NotificationView } from '../contract/views.js';

/** How long a notification's excerpt is, in characters. */
export const EXCERPT_CHARS = 140;

const MENTION_RE = /(?<![\w@])@([A-Za-z0-9_]{3,32})\b/g;
export const MAX_MENTIONS = 10;
const TITLE_MAX = 80;

/** The distinct usernames (as lookup keys) @mentioned in a markdown body, first ones first, at most `max`. */
export function findMentions(markdown: string, max = MAX_MENTIONS): string[] {
  const keys = new Set<string>();
  for (const m of markdown.matchAll(MENTION_RE)) {
    keys.add(usernameKey(m[1]));
    if (keys.size >= max) break;
  }
  return [...keys];
}

const shortTitle = (title: string): string => {
  const chars = [...title.trim()];
  return chars.length > TITLE_MAX ? `${chars.slice(0, TITLE_MAX - 1).join('')}…` : chars.join('');
};

const REPLY_CONTEXT = prepared(
  'notification.reply_context',
  `SELECT r.id::text AS reply_id, r.thread_id, r.author_id AS replier_id, u.username AS replier_username, NOT ${replyNamed('r', 't')} AS anonymous, r.body_md,
          t.author_id AS thread_author_id, t.title, ${replyPublic('r')} AND ${storyPublic('t')} AS public,
          ${replyBlocked('r', 't', 't.author_id')} AS author_blocked_replier,
          EXISTS (SELECT 1 FROM notification_items i WHERE i.reply_id = r.id AND i.reaction IS NULL)
            OR EXISTS (SELECT 1 FROM notifications n WHERE n.reply_id = r.id AND n.kind IN ('reply', 'mention', 'reply_to_you')) AS told,
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

interface ReactionContext {
  thread_id: string;
  title: string;
  recipient_id: string;
  source_md: string;
  reactor_username: string;
  reactor_gone: boolean;
  named: boolean;
  still: boolean;
  public: boolean;
  recipient_reads: boolean;
  blocked: boolean;
}

/** $1 the story, $2 who reacted, $3 the kind: what the story's author is to be told. */
const STORY_REACTION_CONTEXT = `
  SELECT t.id AS thread_id, t.title, t.author_id AS recipient_id, t.happened_md AS source_md,
         u.username AS reactor_username, u.deleted_at IS NOT NULL AS reactor_gone, ${reactorNamed('t', '$2')} AS named,
         EXISTS (SELECT 1 FROM thread_reactions x WHERE x.thread_id = t.id AND x.user_id = $2 AND x.kind = $3) AS still,
         ${storyPublic('t')} AS public,
         ${storyReadable('t', { id: 't.author_id', staff: 'false' })} AND au.banned_at IS NULL AS recipient_reads,
         ${namedActorBlocked(`CASE WHEN ${reactorNamed('t', '$2')} THEN $2::uuid END`, 't.author_id')} AS blocked
    FROM threads t JOIN users u ON u.id = $2 JOIN users au ON au.id = t.author_id
   WHERE t.id = $1`;

/**
 * $1 the reply, $2 who reacted, $3 the kind: what the reply's author is to be told. The reply is locked (key share)
 * before any notification row, in the order hiding or removing it takes them.
 */
const REPLY_REACTION_CONTEXT = `
  SELECT t.id AS thread_id, t.title, r.author_id AS recipient_id, r.body_md AS source_md,
         u.username AS reactor_username, u.deleted_at IS NOT NULL AS reactor_gone, ${reactorNamed('t', '$2')} AS named,
         EXISTS (SELECT 1 FROM reply_reactions x WHERE x.reply_id = r.id AND x.user_id = $2 AND x.kind = $3) AS still,
         ${replyPublic('r')} AND ${storyPublic('t')} AS public,
         ${storyReadable('t', { id: 'r.author_id', staff: 'false' })} AND au.banned_at IS NULL AS recipient_reads,
         ${namedActorBlocked(`CASE WHEN ${reactorNamed('t', '$2')} THEN $2::uuid END`, 'r.author_id')} AS blocked
    FROM replies r JOIN threads t ON t.id = r.thread_id JOIN users u ON u.id = $2 JOIN users au ON au.id = r.author_id
   WHERE r.id = $1::bigint
     FOR KEY SHARE OF r`;

/**
 * Turns new replies into notifications: one for the author of the reply it answers (`reply_to_you`), one for the
 * story's author (unless just told as the one answered), one per member @mentioned.
 */
@Injectable()
export class NotificationsListener {
  constructor(
    private readonly secrets: SecretsService,
    private readonly notifications: NotificationsService,
    private readonly outbox: OutboxService,
  ) {}

  onModuleInit(): void {
    // from the reply's outbox row: written with the reply, so a crash after its commit cannot lose them
    this.outbox.handle('reply.created', (em, e) => this.replyCreated(em, e));
    // from the reaction's outbox row, written with the reaction
    this.outbox.handle('reaction.added', (em, e) => this.reactionAdded(em, e));
  }

  /**
   * A reaction tells the author of what was reacted to (never one's own reaction), grouped per story: at most one
   * notification per story an hour. Who reacted is named, or the story's pseudonym for the author of an anonymous
   * story; an author who blocked a named reactor is not told.
   */
  private async reactionAdded(em: EntityManager, e: OutboxTopics['reaction.added']): Promise<(() => void) | void> {
    const rows: ReactionContext[] = await em.query(e.targetType === 'thread' ? STORY_REACTION_CONTEXT : REPLY_REACTION_CONTEXT, [e.targetId, e.userId, e.kind]);
    const c = rows[0];
    // gone, taken back already, no longer public, one's own, or the author may not read it or blocked the reactor
    if (!c || !c.still || !c.public || !c.recipient_reads || c.recipient_id === e.userId || c.blocked) return;
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
      // mentioned members who exist, are not the replier, and could read the story and this reply in full
      const mentioned: { id: string }[] = await em.query(
        `SELECT u.id FROM users u, replies r JOIN threads t ON t.id = r.thread_id
          WHERE r.id = $2::bigint AND u.username_key = ANY($1::text[]) AND u.id <> r.author_id AND u.banned_at IS NULL
            AND ${storyReadable('t', { id: 'u.id', staff: 'false' })} AND NOT ${replyBlocked('r', 't', 'u.id')}
          ORDER BY array_position($1::text[], u.username_key)`,
        [keys, r.reply_id],
      );
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
