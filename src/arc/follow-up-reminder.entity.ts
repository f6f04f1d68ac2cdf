import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The one private reminder per story that asks its author for a follow-up; `firedAt` marks it claimed (migration AuthorsArc). */
@Entity('follow_up_reminders')
export class FollowUpReminder {
  @PrimaryColumn('uuid', { name: 'thread_id' })
  threadId: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('smallint', { name: 'in_months' })
  inMonths: 1 | 3 | 6 | 12;

  @Column('timestamptz', { name: 'due_at' })
  dueAt: Date;

  @Column('timestamptz', { name: 'fired_at', nullable: true })
  firedAt: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
