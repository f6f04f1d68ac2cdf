import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A message of a member's conversation with the moderation team, either side (migration SupportMessages). */
@Entity('support_messages')
export class SupportMessage {
  /** bigserial: a decimal string */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column('uuid', { name: 'member_id' })
  memberId: string;

  @Column('uuid', { name: 'author_id' })
  authorId: string;

  @Column('boolean', { name: 'from_team' })
  fromTeam: boolean;

  /** the moderator's name is shown to the member */
  @Column('boolean', { default: false })
  signed: boolean;

  @Column('text', { name: 'body_md' })
  bodyMd: string;

  @Column('text', { name: 'body_html' })
  bodyHtml: string;

  @Column('jsonb', { nullable: true })
  resources: unknown;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
