import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { namedActorBlocked, reactorNamed, replyBlocked, replyListed, replyNamed, replyPublic, storyPublic, storyReadable } from '../access/read-rule.js';
import type { PostStatus } from '../stories/thread.entity.js';
import type { ReactionNotice, ReviewTarget } from '../stories/threads.repository.js';
import { recountReplies } from './replies.service.js';

/** Whatever runs a statement: the data source, or the EntityManager of a transaction the statement belongs to. */
type Db = DataSource | EntityManager;

export type ReplyModAction = 'hide' | 'unhide' | 'restore';

/** A reply's moderation state, as the answer to every reply action. */
export interface ReplyModState {
  id: string;
  hidden: boolean;
  deleted: boolean;
}

/** A reply locked for a moderator's action, with its story's title (for what the author is told). */
export type LockedReply = ReplyModState & { thread_id: string; author_id: string; status: PostStatus; title: string };

const MOD_SET: Record<ReplyModAction, string> = {
  hide: 'hidden = true',
  unhide: 'hidden = false',
  restore: 'deleted_at = NULL, hidden = false',
};
const MOD_STATE = 'id::text AS id, hidden, deleted_at IS NOT NULL AS deleted';

/**
 * Statements on `replies` that other modules need (moderation, reports, privacy): the replies module owns the table
 * (docs/ownership.md), so they live here; a reply's own requests stay in RepliesService. Those that are part of a
 * bigger transaction take its EntityManager. Ids are checked for form by the caller. A reply's story is joined
 * (read only) where the answer needs its title or author.
 */
/**
 * $1 the reply, $2 who reacted: what the reply's author is to be told. The reply is locked (key share) before any
 * notification row, in the order hiding or removing it takes them.
 */
const REPLY_REACTION_NOTICE = `
  SELECT t.id AS thread_id, t.title, r.author_id AS recipient_id, r.body_md AS source_md,
         u.username AS reactor_username, u.deleted_at IS NOT NULL AS reactor_gone, ${reactorNamed('t', '$2')} AS named,
         ${replyPublic('r')} AND ${storyPublic('t')} AS public,
         ${storyReadable('t', { id: 'r.author_id', staff: 'false' })} AND au.banned_at IS NULL AS recipient_reads,
         ${namedActorBlocked(`CASE WHEN ${reactorNamed('t', '$2')} THEN $2::uuid END`, 'r.author_id')} AS blocked
    FROM replies r JOIN threads t ON t.id = r.thread_id JOIN users u ON u.id = $2 JOIN users au ON au.id = r.author_id
   WHERE r.id = $1::bigint
     FOR KEY SHARE OF r`;

@Injectable()
export class RepliesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** In the reaction's outbox transaction: what its notification to the reply's author says (the reply is locked). */
  async reactionNotice(em: EntityManager, replyId: string, reactorId: string): Promise<ReactionNotice | undefined> {
    const rows: ReactionNotice[] = await em.query(REPLY_REACTION_NOTICE, [replyId, reactorId]);
    return rows[0];
  }

  /** Counts a story's replies again after one changed state (recountReplies). */
  recount(db: Db, threadId: string): Promise<void> {
    return recountReplies(db, threadId);
  }

  /** Locks the reply's row for a moderator's action (FOR UPDATE OF the reply); undefined when there is none. */
  async lockForModeration(em: EntityManager, id: string): Promise<LockedReply | undefined> {
    const rows: LockedReply[] = await em.query(
      `SELECT r.id::text AS id, r.hidden, r.deleted_at IS NOT NULL AS deleted, r.thread_id, r.author_id, r.status, t.title
         FROM replies r JOIN threads t ON t.id = r.thread_id WHERE r.id = $1::bigint FOR UPDATE OF r`,
      [id],
    );
    return rows[0];
  }

  /** Applies a moderator's action to a locked reply; answers its state after. */
  async applyModeration(em: EntityManager, id: string, action: ReplyModAction): Promise<ReplyModState> {
    const [after]: [ReplyModState[], number] = await em.query(`UPDATE replies SET ${MOD_SET[action]}, updated_at = now() WHERE id = $1::bigint RETURNING ${MOD_STATE}`, [id]);
    return after[0];
  }

  /** Locks a reply for review (FOR UPDATE OF the reply), with its story's title. */
  async lockForReview(em: EntityManager, id: string): Promise<ReviewTarget | undefined> {
    const rows: ReviewTarget[] = await em.query(
      `SELECT r.id::text AS id, r.thread_id, r.author_id, t.title, r.status FROM replies r JOIN threads t ON t.id = r.thread_id WHERE r.id = $1::bigint FOR UPDATE OF r`,
      [id],
    );
    return rows[0];
  }

  async setReviewStatus(em: EntityManager, id: string, status: PostStatus): Promise<void> {
    await em.query(`UPDATE replies SET status = $2, updated_at = now() WHERE id = $1::bigint`, [id, status]);
  }

  /** The author of a named reply; null for one shown under a pseudonym (so that nothing ties the member to it) or none. */
  async namedAuthorOf(db: Db, id: string): Promise<string | null> {
    const rows: { author_id: string }[] = await db.query(
      `SELECT r.author_id FROM replies r JOIN threads t ON t.id = r.thread_id WHERE r.id = $1::bigint AND ${replyNamed('r', 't')}`,
      [id],
    );
    return rows[0]?.author_id ?? null;
  }

  /** The account behind a reply, anonymous or not: for the moderators' logged reveal only. */
  async authorAccount(id: string): Promise<{ id: string; username: string } | undefined> {
    const rows: { id: string; username: string }[] = await this.dataSource.query('SELECT u.id, u.username FROM replies r JOIN users u ON u.id = r.author_id WHERE r.id = $1::bigint', [id]);
    return rows[0];
  }

  /** Hides a reply that enough members reported; false when it already was hidden (or is not there). */
  async autoHide(em: EntityManager, id: string): Promise<boolean> {
    const [rows]: [unknown[], number] = await em.query('UPDATE replies SET hidden = true, updated_at = now() WHERE id = $1::bigint AND hidden = false RETURNING id', [id]);
    return rows.length > 0;
  }

  /** A moderator removes a reply (a flag, undoable by restore); answers its author. */
  async remove(em: EntityManager, id: string): Promise<{ author_id: string } | undefined> {
    const [rows]: [{ author_id: string }[], number] = await em.query('UPDATE replies SET deleted_at = now(), updated_at = now() WHERE id = $1::bigint RETURNING author_id', [id]);
    return rows[0];
  }

  /** The authors of the anonymous replies of a story that this viewer's list shows (their pseudonyms are what they see). */
  async anonymousRepliersListed(threadId: string, viewerId: string, staff: boolean): Promise<string[]> {
    const rows: { author_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT r.author_id FROM replies r JOIN threads t ON t.id = r.thread_id
        WHERE r.thread_id = $1 AND NOT ${replyNamed('r', 't')} AND ${replyListed('r', { id: '$2', staff: '$3::boolean' })}`,
      [threadId, viewerId, staff],
    );
    return rows.map((r) => r.author_id);
  }

  /** A member's own replies, all of them, for their export. */
  exportFor(userId: string): Promise<{ id: string; thread_id: string; anonymous: boolean; body_md: string; status: string; created_at: Date; edited_at: Date | null; deleted_at: Date | null }[]> {
    return this.dataSource.query(
      `SELECT id::text AS id, thread_id, anonymous, body_md, status, created_at, edited_at, deleted_at FROM replies WHERE author_id = $1 ORDER BY id`,
      [userId],
    );
  }

  /**
   * A reply of this story as its author would mark it "this helped me most": who wrote it, whether everyone sees it
   * in full (the read rule's replyPublic) and whether it is a named reply of someone the viewer blocked.
   */
  async highlightCandidate(em: EntityManager, replyId: string, threadId: string, viewerId: string): Promise<{ id: string; author_id: string; public: boolean; blocked: boolean } | undefined> {
    const rows: { id: string; author_id: string; public: boolean; blocked: boolean }[] = await em.query(
      `SELECT r.id::text AS id, r.author_id, ${replyPublic('r')} AS public, ${replyBlocked('r', 't', '$3')} AS blocked
         FROM replies r JOIN threads t ON t.id = r.thread_id
        WHERE r.id = $1::bigint AND r.thread_id = $2`,
      [replyId, threadId, viewerId],
    );
    return rows[0];
  }

  /** Which of these replies of a story everyone sees in full (the read rule's replyPublic), in the order given. */
  async shownInFull(db: Db, threadId: string, ids: string[]): Promise<string[]> {
    if (!ids.length) return [];
    const rows: { id: string }[] = await db.query(`SELECT r.id::text AS id FROM replies r WHERE r.thread_id = $1 AND r.id = ANY($2::bigint[]) AND ${replyPublic('r')}`, [threadId, ids]);
    const shown = new Set(rows.map((r) => r.id));
    return ids.filter((id) => shown.has(id));
  }

  /** The stories a leaving member replied in (with named replies only unless `all`). */
  async threadIdsByAuthor(em: EntityManager, userId: string, all: boolean): Promise<string[]> {
    const rows: { thread_id: string }[] = await em.query(`SELECT DISTINCT thread_id FROM replies WHERE author_id = $1 ${all ? '' : 'AND NOT anonymous'}`, [userId]);
    return rows.map((r) => r.thread_id);
  }

  /** Marks a leaving member's replies (only the named ones unless `all`) as changed, for catch-up. */
  async markChangedByAuthor(em: EntityManager, userId: string, all: boolean): Promise<void> {
    await em.query(`UPDATE replies SET updated_at = now() WHERE author_id = $1 ${all ? '' : 'AND NOT anonymous'}`, [userId]);
  }

  /** Erasing an account: every reply's words go, and the reply counts as deleted (a placeholder keeps its place). */
  async eraseTextByAuthor(em: EntityManager, userId: string): Promise<void> {
    await em.query(`UPDATE replies SET body_md = '', body_html = '', deleted_at = coalesce(deleted_at, now()) WHERE author_id = $1`, [userId]);
  }
}
