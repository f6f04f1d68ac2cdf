import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ReactionKind } from '../contract/views.js';

/** A member's supportive reaction to a story (migration Stories). */
@Entity('thread_reactions')
export class ThreadReaction {
  @PrimaryColumn('uuid', { name: 'thread_id' })
  threadId: string;

  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @PrimaryColumn('text')
  kind: ReactionKind;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
