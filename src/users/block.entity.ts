import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One member blocking another (migration Stories): hides the blocked member's named posts from the blocker. */
@Entity('blocks')
export class Block {
  @PrimaryColumn('uuid', { name: 'blocker_id' })
  blockerId: string;

  @PrimaryColumn('uuid', { name: 'blocked_id' })
  blockedId: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
