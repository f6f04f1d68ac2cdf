import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A member muted a story: no notifications from it (migration Privacy). */
@Entity('thread_mutes')
export class ThreadMute {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @PrimaryColumn('uuid', { name: 'thread_id' })
  threadId: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
