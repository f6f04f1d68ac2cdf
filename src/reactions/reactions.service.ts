import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, EntityManager } from 'typeorm';
import { OutboxService } from '../database/outbox.service.js';
import type { Viewer } from '../access/viewer.js';
import { assertCanWrite } from '../access/policy.js';
import { notFound } from '../common/errors.js';
import type { DomainEvents } from '../common/events.js';
import type { ReactionCounts, ReactionKind } from '../contract/views.js';
import { RepliesService } from '../replies/replies.service.js';
import { StoriesService } from '../stories/stories.service.js';
import { reactionCounts, REACTION_KINDS } from '../stories/thread.views.js';

export interface ReactionState {
  reactions: ReactionCounts;
  myReactions: ReactionKind[];
}

/** Supportive reactions only (no downvotes); PUT and DELETE are idempotent. */
@Injectable()
export class ReactionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly stories: StoriesService,
    private readonly replies: RepliesService,
    private readonly events: EventEmitter2,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Adds or takes away one reaction; true when a row changed (a repeated PUT or DELETE changes nothing). A reaction
   * given writes, in its own transaction, the outbox row that tells the author of what was reacted to.
   */
  private async toggle(table: 'thread_reactions' | 'reply_reactions', target: string, threadId: string, userId: string, kind: ReactionKind, on: boolean): Promise<boolean> {
    const [col, cast] = table === 'thread_reactions' ? ['thread_id', '$1'] : ['reply_id', '$1::bigint'];
    const change = on
      ? `INSERT INTO ${table} (${col}, user_id, kind) VALUES (${cast}, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`
      : `DELETE FROM ${table} WHERE ${col} = ${cast} AND user_id = $2 AND kind = $3 RETURNING 1`;
    const outbox: string[] = [];
    const changed = await this.dataSource.transaction(async (em: EntityManager) => {
      // as a SELECT over the change, so the answer has one shape for INSERT and DELETE alike
      const [{ n }]: { n: number }[] = await em.query(`WITH c AS (${change}) SELECT count(*)::int AS n FROM c`, [target, userId, kind]);
      if (n > 0 && on) {
        const targetType = table === 'thread_reactions' ? 'thread' : 'reply';
        outbox.push(await this.outbox.add(em, 'reaction.added', { targetType, targetId: target, threadId, userId, kind }));
      }
      return n > 0;
    });
    this.outbox.deliver(outbox);
    return changed;
  }

  /** After the change: the realtime module tells the story's readers the new counts. */
  private changed(e: DomainEvents['reaction.updated']): void {
    this.events.emit('reaction.updated', e);
  }

  async setOnThread(viewer: Viewer, threadId: string, kind: ReactionKind, on: boolean): Promise<ReactionState> {
    assertCanWrite(viewer);
    const t = await this.stories.loadReadable(viewer, threadId);
    if (t.deleted_at) throw notFound('That story');
    const changed = await this.toggle('thread_reactions', t.id, t.id, viewer.id, kind, on);
    const state = await this.state(`SELECT kind, count(*)::int AS n, bool_or(user_id = $2) AS mine FROM thread_reactions WHERE thread_id = $1 GROUP BY kind`, [t.id, viewer.id]);
    if (changed) this.changed({ targetType: 'thread', targetId: t.id, threadId: t.id });
    return state;
  }

  async setOnReply(viewer: Viewer, replyId: string, kind: ReactionKind, on: boolean): Promise<ReactionState> {
    assertCanWrite(viewer);
    const view = await this.replies.getView(viewer, replyId);
    if (view.deleted || 'blocked' in view) throw notFound('That reply');
    const changed = await this.toggle('reply_reactions', view.id, view.threadId, viewer.id, kind, on);
    const state = await this.state(`SELECT kind, count(*)::int AS n, bool_or(user_id = $2) AS mine FROM reply_reactions WHERE reply_id = $1::bigint GROUP BY kind`, [view.id, viewer.id]);
    if (changed) this.changed({ targetType: 'reply', targetId: view.id, threadId: view.threadId });
    return state;
  }

  private async state(sql: string, params: unknown[]): Promise<ReactionState> {
    const rs: { kind: ReactionKind; n: number; mine: boolean }[] = await this.dataSource.query(sql, params);
    return {
      reactions: reactionCounts(Object.fromEntries(rs.map((r) => [r.kind, r.n]))),
      myReactions: REACTION_KINDS.filter((k) => rs.some((r) => r.kind === k && r.mine)),
    };
  }
}
