import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AlertKind } from '../contract/views.js';

/** An alert for moderators; at most one open per kind and target (migration Alerts). */
@Entity('alerts')
export class Alert {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  kind: AlertKind;

  @Column('text', { name: 'target_type' })
  targetType: 'thread' | 'reply' | 'user';

  @Column('text', { name: 'target_id' })
  targetId: string;

  @Column('uuid', { name: 'thread_id', nullable: true })
  threadId: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'done_at', nullable: true })
  doneAt: Date | null;

  @Column('uuid', { name: 'done_by', nullable: true })
  doneBy: string | null;

  @Column('text', { nullable: true })
  note: string | null;
}
