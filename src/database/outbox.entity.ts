import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** What a post causes, written in its transaction and handled by the relay (migration Outbox). */
@Entity('outbox')
export class OutboxRow {
  /** bigserial: a decimal string */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column('text')
  topic: string;

  @Column('jsonb')
  payload: unknown;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('int', { default: 0 })
  attempts: number;

  @Column('timestamptz', { name: 'next_at', default: () => 'now()' })
  nextAt: Date;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;
}
