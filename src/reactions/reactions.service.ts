import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Viewer } from '../access/viewer.js';
import { assertCanWrite } from '../access/policy.js';
import { notFound } from '../common/errors.js';
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
  ) {}

  async setOnThread(viewer: Viewer, threadId: string, kind: ReactionKind, on: boolean): Promise<ReactionState> {
    assertCanWrite(viewer);
    const t = await this.stories.loadReadable(viewer, threadId);
    if (t.deleted_at) throw notFound('That story');
    if (on) await this.dataSource.query(`INSERT INTO thread_reactions (thread_id, user_id, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [t.id, viewer.id, kind]);
    else await this.dataSource.query(`DELETE FROM thread_reactions WHERE thread_id = $1 AND user_id = $2 AND kind = $3`, [t.id, viewer.id, kind]);
    return this.state(`SELECT kind, count(*)::int AS n, bool_or(user_id = $2) AS mine FROM thread_reactions WHERE thread_id = $1 GROUP BY kind`, [t.id, viewer.id]);
  }

  async setOnReply(viewer: Viewer, replyId: string, kind: ReactionKind, on: boolean): Promise<ReactionState> {
    assertCanWrite(viewer);
    const view = await this.replies.getView(viewer, replyId);
    if (view.deleted || 'blocked' in view) throw notFound('That reply');
    if (on) await this.dataSource.query(`INSERT INTO reply_reactions (reply_id, user_id, kind) VALUES ($1::bigint, $2, $3) ON CONFLICT DO NOTHING`, [view.id, viewer.id, kind]);
    else await this.dataSource.query(`DELETE FROM reply_reactions WHERE reply_id = $1::bigint AND user_id = $2 AND kind = $3`, [view.id, viewer.id, kind]);
    return this.state(`SELECT kind, count(*)::int AS n, bool_or(user_id = $2) AS mine FROM reply_reactions WHERE reply_id = $1::bigint GROUP BY kind`, [view.id, viewer.id]);
  }

  private async state(sql: string, params: unknown[]): Promise<ReactionState> {
    const rs: { kind: ReactionKind; n: number; mine: boolean }[] = await this.dataSource.query(sql, params);
    return {
      reactions: reactionCounts(Object.fromEntries(rs.map((r) => [r.kind, r.n]))),
      myReactions: REACTION_KINDS.filter((k) => rs.some((r) => r.kind === k && r.mine)),
    };
  }
}
