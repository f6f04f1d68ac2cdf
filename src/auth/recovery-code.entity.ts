import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A one-time account recovery code, stored hashed (migration Privacy). */
@Entity('recovery_codes')
export class RecoveryCode {
  /** bigserial: a decimal string */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('text', { name: 'code_hash' })
  codeHash: string;

  @Column('timestamptz', { name: 'used_at', nullable: true })
  usedAt: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
