import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One moderation act, or an automatic one (actor null), with its reason (migrations Moderation, Alerts). */
@Entity('moderation_log')
export class ModerationLogEntry {
  /** bigserial: a decimal string */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column('uuid', { name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column('text')
  action: string;

  @Column('text', { name: 'target_type' })
  targetType: string;

  @Column('text', { name: 'target_id' })
  targetId: string;

  @Column('text', { nullable: true })
  reason: string | null;

  @Column('jsonb', { nullable: true })
  data: unknown;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  /** the member the entry is about (acted on, or the named author of the post); never the author of an anonymous post */
  @Column('uuid', { name: 'subject_id', nullable: true })
  subjectId: string | null;
}
