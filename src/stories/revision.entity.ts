import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An earlier version of a story or a reply, kept on each edit (migration Stories). */
@Entity('revisions')
export class Revision {
  /** bigserial: a decimal string */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column('text', { name: 'target_type' })
  targetType: 'thread' | 'reply';

  @Column('text', { name: 'target_id' })
  targetId: string;

  @Column('uuid', { name: 'editor_id' })
  editorId: string;

  @Column('jsonb')
  data: unknown;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
