import type { CrisisResource } from '../config/config.js';
import type { SupportConversationView, SupportMessageView } from '../contract/views.js';

export interface SupportMessageRow {
  id: string;
  member_id: string;
  member_username: string;
  from_team: boolean;
  signed: boolean;
  moderator_username: string | null;
  body_html: string;
  resources: CrisisResource[] | null;
  created_at: Date;
}

export const MESSAGE_COLUMNS = `m.id::text AS id, m.member_id, mu.username AS member_username, m.from_team, m.signed,
  CASE WHEN m.from_team THEN a.username END AS moderator_username, m.body_html, m.resources, m.created_at`;
export const MESSAGE_FROM = `support_messages m JOIN users mu ON mu.id = m.member_id JOIN users a ON a.id = m.author_id`;

/**
 * Who wrote a team message is staff knowledge: the member sees it only when the moderator signed. Staff views also
 * say whose conversation it is (`member`), since staff sockets hear every conversation.
 */
export function toSupportMessageView(r: SupportMessageRow, audience: 'member' | 'staff'): SupportMessageView {
  const showModerator = r.from_team && r.moderator_username !== null && (audience === 'staff' || r.signed);
  return {
    id: r.id,
    from: r.from_team ? 'team' : 'member',
    ...(showModerator ? { moderator: { username: r.moderator_username! } } : {}),
    bodyHtml: r.body_html,
    ...(r.resources ? { resources: r.resources } : {}),
    createdAt: r.created_at.toISOString(),
    ...(audience === 'staff' ? { member: { id: r.member_id, username: r.member_username } } : {}),
  };
}

export interface ConversationRow {
  member_id: string;
  username: string;
  last_message_at: Date;
  unread: number;
  last_key: string;
}

export const toConversationView = (r: ConversationRow): SupportConversationView => ({
  userId: r.member_id,
  username: r.username,
  lastMessageAt: r.last_message_at.toISOString(),
  unread: r.unread,
});
