import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A follow-up an author adds under their story, "N months later" (migration AuthorsArc). */
@Entity('follow_ups')
export class FollowUp {
  /** an identity column: a decimal string */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('uuid', { name: 'thread_id' })
  threadId: string;

  @Column('uuid', { name: 'author_id' })
  authorId: string;

  @Column('text', { name: 'body_md' })
  bodyMd: string;

  @Column('text', { name: 'body_html' })
  bodyHtml: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
