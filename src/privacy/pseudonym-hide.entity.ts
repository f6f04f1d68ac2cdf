import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A member hid one pseudonym in one story (migration PseudonymHides): keyed to the pseudonym, never the account. */
@Entity('pseudonym_hides')
export class PseudonymHide {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @PrimaryColumn('uuid', { name: 'thread_id' })
  threadId: string;

  @PrimaryColumn('text')
  pseudonym: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
