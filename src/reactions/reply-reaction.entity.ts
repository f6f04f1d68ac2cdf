import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ReactionKind } from '../contract/views.js';

/** A member's supportive reaction to a reply (migration Stories). */
@Entity('reply_reactions')
export class ReplyReaction {
  @PrimaryColumn('bigint', { name: 'reply_id' })
  replyId: string;

  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @PrimaryColumn('text')
  kind: ReactionKind;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
