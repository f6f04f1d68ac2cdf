import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { namedActorBlocked, reactorNamed, storyPublic, storyReadable } from '../access/read-rule.js';
import type { PostStatus } from './thread.entity.js';
import { THREAD_COLUMNS, type ThreadRow } from './thread.views.js';

/** Whatever runs a statement: the data source, or the EntityManager of a transaction the statement belongs to. */
type Db = DataSource | EntityManager;

export type ThreadModAction = 'lock' | 'unlock' | 'pin' | 'unpin' | 'hide' | 'unhide' | 'restore';

/** A story's moderation state, as the answer to every story action. */
export interface ThreadModState {
  id: string;
  locked: boolean;
  pinned: boolean;
  hidden: boolean;
  deleted: boolean;
}

/** A story locked for a moderator's action: its state and what the action needs to know and tell. */
export type LockedThread = ThreadModState & { author_id: string; title: string; slow_mode_seconds: number; category: string };

/** A post locked for review: story or reply, with its story, author, title and status. */
export interface ReviewTarget {
  id: string;
  thread_id: string;
  author_id: string;
  title: string;
  status: PostStatus;
}

/** What each moderator action writes. */
const MOD_SET: Record<ThreadModAction, string> = {
  lock: 'locked = true',
  unlock: 'locked = false',
  pin: 'pinned = true',
  unpin: 'pinned = false',
  hide: 'hidden = true',
  unhide: 'hidden = false',
  restore: 'deleted_at = NULL, hidden = false',
};
const MOD_STATE = 'id, locked, pinned, hidden, deleted_at IS NOT NULL AS deleted';

const REACTION_AUDIENCE = `SELECT t.author_id, ${storyPublic('t')} AS public,
  (SELECT json_object_agg(x.kind, x.n) FROM (SELECT kind, count(*)::int AS n FROM thread_reactions tr WHERE tr.thread_id = t.id GROUP BY kind) x) AS reactions
  FROM threads t WHERE t.id = $1`;

/**
 * Statements on `threads` that other modules need (moderation, reports, privacy, realtime): the stories module owns
 * the table (docs/ownership.md), so they live here; the story's own requests stay in StoriesService. Those that are
 * part of a bigger transaction take its EntityManager. Ids are checked for form by the caller.
 */
/** What the notification of a reaction says, and whether it is to be sent (the reactions module asks). */
export interface ReactionNotice {
  thread_id: string;
  title: string;
  recipient_id: string;
  source_md: string;
  reactor_username: string;
  reactor_gone: boolean;
  named: boolean;
  public: boolean;
  recipient_reads: boolean;
  blocked: boolean;
}

/** $1 the story, $2 who reacted: what the story's author is to be told (never a block of an anonymous reactor). */
const STORY_REACTION_NOTICE = `
  SELECT t.id AS thread_id, t.title, t.author_id AS recipient_id, t.happened_md AS source_md,
         u.username AS reactor_username, u.deleted_at IS NOT NULL AS reactor_gone, ${reactorNamed('t', '$2')} AS named,
         ${storyPublic('t')} AS public,
         ${storyReadable('t', { id: 't.author_id', staff: 'false' })} AND au.banned_at IS NULL AS recipient_reads,
         ${namedActorBlocked(`CASE WHEN ${reactorNamed('t', '$2')} THEN $2::uuid END`, 't.author_id')} AS blocked
    FROM threads t JOIN users u ON u.id = $2 JOIN users au ON au.id = t.author_id
   WHERE t.id = $1`;

@Injectable()
export class ThreadsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** In the reaction's outbox transaction: what its notification to the story's author says. */
  async reactionNotice(em: EntityManager, threadId: string, reactorId: string): Promise<ReactionNotice | undefined> {
    const rows: ReactionNotice[] = await em.query(STORY_REACTION_NOTICE, [threadId, reactorId]);
    return rows[0];
  }

  /** Locks the story's row for a moderator's action (FOR UPDATE); undefined when there is none. */
  async lockForModeration(em: EntityManager, id: string): Promise<LockedThread | undefined> {
    const rows: LockedThread[] = await em.query(`SELECT ${MOD_STATE}, author_id, title, slow_mode_seconds, category FROM threads WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0];
  }

  /** Applies a moderator's action to a locked story; answers its state after. */
  async applyModeration(em: EntityManager, id: string, action: ThreadModAction): Promise<ThreadModState> {
    const [after]: [ThreadModState[], number] = await em.query(`UPDATE threads SET ${MOD_SET[action]}, updated_at = now() WHERE id = $1 RETURNING ${MOD_STATE}`, [id]);
    return after[0];
  }

  async setSlowMode(em: EntityManager, id: string, seconds: number): Promise<void> {
    await em.query('UPDATE threads SET slow_mode_seconds = $2, updated_at = now() WHERE id = $1', [id, seconds]);
  }

  /** Moves a story to another category (a slug the caller checked). */
  async setCategory(em: EntityManager, id: string, category: string): Promise<void> {
    await em.query('UPDATE threads SET category = $2, updated_at = now() WHERE id = $1', [id, category]);
  }

  /** Locks a story for review (FOR UPDATE). */
  async lockForReview(em: EntityManager, id: string): Promise<ReviewTarget | undefined> {
    const rows: ReviewTarget[] = await em.query(`SELECT id::text AS id, id AS thread_id, author_id, title, status FROM threads WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0];
  }

  /** A reviewed story is published or rejected; either way it counts as active now. */
  async setReviewStatus(em: EntityManager, id: string, status: PostStatus): Promise<void> {
    await em.query(`UPDATE threads SET status = $2, updated_at = now(), last_activity_at = now() WHERE id = $1`, [id, status]);
  }

  /** Something new appeared in the story (an approved reply): it moves up the lists. */
  async touchActivity(em: EntityManager, id: string): Promise<void> {
    await em.query(`UPDATE threads SET last_activity_at = now() WHERE id = $1`, [id]);
  }

  /** The author of a named story; null for an anonymous one (so that nothing ties the member to it) or none. */
  async namedAuthorOf(db: Db, id: string): Promise<string | null> {
    const rows: { author_id: string }[] = await db.query('SELECT author_id FROM threads WHERE id = $1 AND NOT anonymous', [id]);
    return rows[0]?.author_id ?? null;
  }

  /** The account behind a story, anonymous or not: for the moderators' logged reveal only. */
  async authorAccount(id: string): Promise<{ id: string; username: string } | undefined> {
    const rows: { id: string; username: string }[] = await this.dataSource.query('SELECT u.id, u.username FROM threads t JOIN users u ON u.id = t.author_id WHERE t.id = $1', [id]);
    return rows[0];
  }

  /** The author of an anonymous story (whose pseudonym a reader sees), or undefined. */
  async anonymousAuthorOf(id: string): Promise<string | undefined> {
    const rows: { author_id: string }[] = await this.dataSource.query('SELECT author_id FROM threads WHERE id = $1 AND anonymous', [id]);
    return rows[0]?.author_id;
  }

  /** Hides a story that enough members reported; false when it already was hidden (or is not there). */
  async autoHide(em: EntityManager, id: string): Promise<boolean> {
    const [rows]: [unknown[], number] = await em.query('UPDATE threads SET hidden = true, updated_at = now() WHERE id = $1 AND hidden = false RETURNING id', [id]);
    return rows.length > 0;
  }

  /** A moderator removes a story (a flag, undoable by restore); answers its author and title. */
  async remove(db: Db, id: string): Promise<{ author_id: string; title: string } | undefined> {
    const [rows]: [{ author_id: string; title: string }[], number] = await db.query(
      'UPDATE threads SET deleted_at = now(), updated_at = now() WHERE id = $1 RETURNING author_id, title',
      [id],
    );
    return rows[0];
  }

  /** The story's row as every broadcast builds its views from (ThreadRow), or undefined. */
  async broadcastRow(id: string): Promise<ThreadRow | undefined> {
    const rows: ThreadRow[] = await this.dataSource.query(`SELECT ${THREAD_COLUMNS} FROM threads t JOIN users u ON u.id = t.author_id WHERE t.id = $1`, [id]);
    return rows[0];
  }

  /** A story's reaction counts, and who may see them: everyone in its room when public, else its author and staff. */
  async reactionAudience(id: string): Promise<{ author_id: string; public: boolean; reactions: Record<string, number> | null } | undefined> {
    const rows: { author_id: string; public: boolean; reactions: Record<string, number> | null }[] = await this.dataSource.query(REACTION_AUDIENCE, [id]);
    return rows[0];
  }

  /** A member's own stories, all of them, for their export. */
  exportFor(userId: string): Promise<(Record<string, unknown> & { created_at: Date; edited_at: Date | null; deleted_at: Date | null })[]> {
    return this.dataSource.query(
      `SELECT id, title, category, anonymous, happened_md, handled_md, learned_md, content_warning, status, created_at, edited_at, deleted_at
         FROM threads WHERE author_id = $1 ORDER BY created_at`,
      [userId],
    );
  }

  /**
   * Stories as their own authors may read them now (the read rule, read for the author: not deleted nor hidden), for
   * the reminders the author asked for.
   */
  async forTheirAuthors(em: EntityManager, ids: string[]): Promise<{ id: string; author_id: string; title: string; readable: boolean }[]> {
    if (!ids.length) return [];
    return em.query(
      `SELECT t.id, t.author_id, t.title, ${storyReadable('t', { id: 't.author_id', staff: 'false' })} AS readable FROM threads t WHERE t.id = ANY($1::uuid[])`,
      [ids],
    );
  }

  /** The stories a leaving member wrote (only the named ones unless `all`). */
  async idsByAuthor(em: EntityManager, userId: string, all: boolean): Promise<string[]> {
    const rows: { id: string }[] = await em.query(`SELECT id FROM threads WHERE author_id = $1 ${all ? '' : 'AND NOT anonymous'}`, [userId]);
    return rows.map((r) => r.id);
  }

  /** Marks a leaving member's stories (only the named ones unless `all`) as changed, for catch-up. */
  async markChangedByAuthor(em: EntityManager, userId: string, all: boolean): Promise<void> {
    await em.query(`UPDATE threads SET updated_at = now() WHERE author_id = $1 ${all ? '' : 'AND NOT anonymous'}`, [userId]);
  }

  /** Erasing an account: every story's words are replaced by a placeholder (the stories stay, so conversations keep their place). */
  async eraseTextByAuthor(em: EntityManager, userId: string, placeholderHtml: string, placeholderExcerpt: string): Promise<void> {
    await em.query(
      `UPDATE threads SET title = 'A story removed by its author', happened_md = '', happened_html = $2, handled_md = '', handled_html = '',
              learned_md = '', learned_html = '', excerpt = $3, content_warning = NULL, edited_at = now()
        WHERE author_id = $1`,
      [userId, placeholderHtml, placeholderExcerpt],
    );
  }
}
