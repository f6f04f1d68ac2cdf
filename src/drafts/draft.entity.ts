import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A member's saved draft under a key of their choosing (migration Stories). */
@Entity('drafts')
export class Draft {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @PrimaryColumn('text')
  key: string;

  @Column('jsonb')
  data: unknown;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
