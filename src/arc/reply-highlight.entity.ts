import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A reply the story's author marked as having helped them most (at most three per story; migration AuthorsArc). */
@Entity('reply_highlights')
export class ReplyHighlight {
  @PrimaryColumn('uuid', { name: 'thread_id' })
  threadId: string;

  @PrimaryColumn('bigint', { name: 'reply_id' })
  replyId: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
