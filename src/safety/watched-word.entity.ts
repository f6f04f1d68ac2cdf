import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A word or phrase that blocks, holds, flags or marks as crisis the posts containing it (migration Moderation). */
@Entity('watched_words')
export class WatchedWord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text', { unique: true })
  pattern: string;

  @Column('text')
  action: 'block' | 'hold' | 'flag' | 'crisis';

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
