import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per member who has a conversation with the team: when it last moved, who owes an answer, read marks (migration SupportMessages). */
@Entity('support_conversations')
export class SupportConversation {
  @PrimaryColumn('uuid', { name: 'member_id' })
  memberId: string;

  @Column('timestamptz', { name: 'last_message_at' })
  lastMessageAt: Date;

  @Column('boolean', { name: 'awaiting_team' })
  awaitingTeam: boolean;

  /** the last message id the team read (a decimal string) */
  @Column('bigint', { name: 'team_read_id', default: 0 })
  teamReadId: string;

  @Column('bigint', { name: 'member_read_id', default: 0 })
  memberReadId: string;
}
