import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ReportReason } from './moderation.dto.js';

/** A member's report, or an automatic one from a watched word (migration Moderation). */
@Entity('reports')
export class Report {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** null for an automatic report, or once the reporter erased their account */
  @Column('uuid', { name: 'reporter_id', nullable: true })
  reporterId: string | null;

  @Column('text', { name: 'target_type' })
  targetType: 'thread' | 'reply' | 'user';

  @Column('text', { name: 'target_id' })
  targetId: string;

  @Column('uuid', { name: 'thread_id', nullable: true })
  threadId: string | null;

  @Column('text')
  /** ignored_reply_mode: only from a story's author, about a reply while the story asks people to just listen */
  reason: ReportReason;

  @Column('text', { nullable: true })
  note: string | null;

  @Column('boolean', { default: false })
  automatic: boolean;

  @Column('text', { default: 'open' })
  status: 'open' | 'resolved';

  @Column('text', { nullable: true })
  resolution: 'dismiss' | 'hide' | 'remove' | null;

  @Column('uuid', { name: 'resolved_by', nullable: true })
  resolvedBy: string | null;

  @Column('timestamptz', { name: 'resolved_at', nullable: true })
  resolvedAt: Date | null;

  @Column('text', { name: 'resolution_note', nullable: true })
  resolutionNote: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
