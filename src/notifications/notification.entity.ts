import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Something a member is told (migration Notifications). `kind` is held to a list by a CHECK that migrations extend
 * (reply, mention, moderation, report, support, reply_to_you, ...), so it is a string here.
 */
@Entity('notifications')
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('text')
  kind: string;

  @Column('uuid', { name: 'thread_id', nullable: true })
  threadId: string | null;

  @Column('bigint', { name: 'reply_id', nullable: true })
  replyId: string | null;

  @Column('uuid', { name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column('text')
  text: string;

  @Column('timestamptz', { name: 'read_at', nullable: true })
  readAt: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
