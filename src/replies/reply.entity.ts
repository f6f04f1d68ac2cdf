import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PostStatus } from '../stories/thread.entity.js';

/** A reply (migrations Stories, DutyOfCare, ReplyTo). Owned by the replies module: see docs/ownership.md. */
@Entity('replies')
export class Reply {
  /** from reply_id_seq, allocated under the story's row lock; a decimal string */
  @PrimaryColumn('bigint', { default: () => "nextval('reply_id_seq')" })
  id: string;

  @Column('uuid', { name: 'thread_id' })
  threadId: string;

  @Column('uuid', { name: 'author_id' })
  authorId: string;

  @Column('boolean', { default: false })
  anonymous: boolean;

  @Column('text', { name: 'body_md' })
  bodyMd: string;

  @Column('text', { name: 'body_html' })
  bodyHtml: string;

  /** the sender's idempotency key (unique per story and author) */
  @Column('text', { name: 'client_key', nullable: true })
  clientKey: string | null;

  @Column('text', { default: 'published' })
  status: PostStatus;

  @Column('boolean', { default: false })
  hidden: boolean;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'edited_at', nullable: true })
  editedAt: Date | null;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt: Date | null;

  @Column('boolean', { default: false })
  crisis: boolean;

  /** an earlier reply of the same story that this one answers */
  @Column('bigint', { name: 'reply_to', nullable: true })
  replyTo: string | null;
}
