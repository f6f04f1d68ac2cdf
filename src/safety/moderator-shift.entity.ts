import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A moderator's current or last shift: on duty while `until` is ahead (migration DutyOfCare). */
@Entity('moderator_shifts')
export class ModeratorShift {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @Column('timestamptz', { name: 'started_at', default: () => 'now()' })
  startedAt: Date;

  @Column('timestamptz')
  until: Date;

  @Column('timestamptz', { name: 'reminded_at', nullable: true })
  remindedAt: Date | null;
}
