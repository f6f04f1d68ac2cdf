import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, EntityManager } from 'typeorm';
import { can, Permission } from '../access/permissions.js';
import { UUID_RE } from '../access/policy.js';
import type { Viewer } from '../access/viewer.js';
import { isStaff } from '../access/viewer.js';
import { decodeCursor, keysetPage } from '../common/cursor.js';
import { forbidden, notFound } from '../common/errors.js';
import type { DomainEvents } from '../common/events.js';
import { renderMarkdown } from '../common/markdown.js';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.js';
import type { HelpView, Page, SupportConversationView, SupportMessageView } from '../contract/views.js';
import { SecretsService } from '../database/secrets.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { UsersRepository } from '../users/users.repository.js';
import type { NotificationRow } from '../notifications/notifications.service.js';
import type { ConversationsQuery, SupportPageQuery, TeamMessageDto } from './support.dto.js';
import { ConversationRow, MESSAGE_COLUMNS, MESSAGE_FROM, SupportMessageRow, toConversationView, toSupportMessageView } from './support.views.js';

const HELP_TEXT = [
  'If you or someone else is in danger right now, call your local emergency number.',
  'If you are struggling, you do not have to wait until it gets worse: the services below are free, confidential, and there for exactly this. You can also write to the Setback moderators from "Messages from the team" once you are signed in.',
  'Setback is peer support: the people here care, but they are not trained counsellors and may not answer quickly.',
].join('\n\n');

type MessageCursor = { id: string };
const isMessageCursor = (v: unknown): v is MessageCursor => {
  const c = v as Record<string, unknown>;
  return !!c && typeof c === 'object' && typeof c.id === 'string' && /^[1-9]\d{0,17}$/.test(c.id);
};
type ConversationCursor = { t: string; id: string };
const isConversationCursor = (v: unknown): v is ConversationCursor => {
  const c = v as Record<string, unknown>;
  return !!c && typeof c === 'object' && typeof c.id === 'string' && UUID_RE.test(c.id) && typeof c.t === 'string' && !Number.isNaN(Date.parse(c.t));
};

/**
 * One private conversation per member with the moderation team. This module owns `support_messages` and
 * `support_conversations`; a team message's notification is written in the same transaction as the message, and
 * the live pushes (`support.message`, `notification`) follow the commit.
 */
@Injectable()
export class SupportService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly secrets: SecretsService,
    private readonly notifications: NotificationsService,
    private readonly events: EventEmitter2,
    private readonly users: UsersRepository,
  ) {}

  /** GET /help: public, the same resources every other surface shows. */
  help(): HelpView {
    return { resources: this.config.crisisResources, text: HELP_TEXT };
  }

  /** The caller's own conversation, newest first; opening it marks the team's messages read. */
  async mine(viewer: Viewer, q: SupportPageQuery): Promise<Page<SupportMessageView>> {
    const page = await this.page(viewer.id, q, 'member');
    if (!q.cursor) await this.dataSource.query(`UPDATE support_conversations SET member_read_id = (SELECT coalesce(max(id), 0) FROM support_messages WHERE member_id = $1) WHERE member_id = $1`, [viewer.id]);
    return page;
  }

  /** A member writes to the team (a suspended member too: being suspended is when some most need to ask why, or for help). */
  async writeAsMember(viewer: Viewer, body: string): Promise<SupportMessageView> {
    const row = await this.dataSource.transaction(async (em) => {
      const id = await this.insert(em, { memberId: viewer.id, authorId: viewer.id, fromTeam: false, signed: false, body, resources: null });
      return this.load(em, id);
    });
    this.announce(row);
    return toSupportMessageView(row, 'member');
  }

  /** GET /mod/support: conversations, most recently active first; `open` ones await the team's answer. */
  async conversations(viewer: Viewer, q: ConversationsQuery): Promise<Page<SupportConversationView>> {
    this.assertStaff(viewer, Permission.SupportRead);
    const limit = q.limit ?? 20;
    const secret = this.secrets.appSecret;
    const cursor = decodeCursor(secret, q.cursor, isConversationCursor);
    const params: unknown[] = [];
    const where: string[] = [];
    if ((q.status ?? 'open') === 'open') where.push('c.awaiting_team');
    if (cursor) {
      params.push(cursor.t, cursor.id);
      where.push(`(c.last_message_at, c.member_id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const rows: ConversationRow[] = await this.dataSource.query(
      `SELECT c.member_id, u.username, c.last_message_at, c.last_message_at::text AS last_key,
              (SELECT count(*)::int FROM support_messages m WHERE m.member_id = c.member_id AND NOT m.from_team AND m.id > c.team_read_id) AS unread
         FROM support_conversations c JOIN users u ON u.id = c.member_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY c.last_message_at DESC, c.member_id DESC
        LIMIT $${params.length}`,
      params,
    );
    return keysetPage(secret, rows, limit, toConversationView, (r) => ({ t: r.last_key, id: r.member_id }));
  }

  /** GET /mod/support/:userId: one member's conversation, newest first; opening it marks the member's messages read. */
  async conversation(viewer: Viewer, userId: string, q: SupportPageQuery): Promise<Page<SupportMessageView>> {
    this.assertStaff(viewer, Permission.SupportRead);
    await this.loadMember(this.dataSource, userId);
    const page = await this.page(userId, q, 'staff');
    if (!q.cursor) await this.dataSource.query(`UPDATE support_conversations SET team_read_id = (SELECT coalesce(max(id), 0) FROM support_messages WHERE member_id = $1) WHERE member_id = $1`, [userId]);
    return page;
  }

  /** POST /mod/support/:userId: the team writes to a member, who is notified (in the same transaction). */
  async writeAsTeam(viewer: Viewer, userId: string, dto: TeamMessageDto): Promise<SupportMessageView> {
    this.assertStaff(viewer, Permission.SupportWrite);
    let stored = null as NotificationRow | null;
    const row = await this.dataSource.transaction(async (em) => {
      const member = await this.loadMember(em, userId);
      if (member.id === viewer.id) throw forbidden('This is your own conversation with the team: write to it from "Messages from the team".');
      const id = await this.insert(em, {
        memberId: member.id,
        authorId: viewer.id,
        fromTeam: true,
        signed: dto.sign === true,
        body: dto.body,
        resources: dto.includeResources ? this.config.crisisResources : null,
      });
      const who = dto.sign ? `${viewer.username} from the moderation team` : 'The moderation team';
      stored = await this.notifications.insert(em, member.id, { kind: 'support', text: `${who} wrote to you. Read it in "Messages from the team".` });
      return this.load(em, id);
    });
    if (stored) this.notifications.announce(row.member_id, stored);
    this.announce(row);
    return toSupportMessageView(row, 'staff');
  }

  /** For the member's export: their whole conversation, oldest first, as they see it. */
  async exportFor(memberId: string): Promise<SupportMessageView[]> {
    const rows: SupportMessageRow[] = await this.dataSource.query(`SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM} WHERE m.member_id = $1 ORDER BY m.id`, [memberId]);
    return rows.map((r) => toSupportMessageView(r, 'member'));
  }

  /** A member leaving (either way): their private conversation with the team goes with them, in the leaving transaction. */
  async eraseFor(em: EntityManager, memberId: string): Promise<void> {
    await em.query(`DELETE FROM support_conversations WHERE member_id = $1`, [memberId]);
    await em.query(`DELETE FROM support_messages WHERE member_id = $1`, [memberId]);
  }

  /** The route's permission, checked again here, where the rule lives (and for staff without the required second factor). */
  private assertStaff(viewer: Viewer, permission: Permission): void {
    if (!isStaff(viewer) || !can(viewer.role, permission)) throw forbidden('Only moderators can do this.');
  }

  private async loadMember(em: EntityManager | DataSource, userId: string): Promise<{ id: string; username: string }> {
    if (typeof userId !== 'string' || !UUID_RE.test(userId)) throw notFound('That member');
    const member = await this.users.findPresent(em, userId);
    if (!member) throw notFound('That member');
    return member;
  }

  private async insert(
    em: EntityManager,
    m: { memberId: string; authorId: string; fromTeam: boolean; signed: boolean; body: string; resources: unknown[] | null },
  ): Promise<string> {
    const rows: { id: string; created_at: Date }[] = await em.query(
      `INSERT INTO support_messages (member_id, author_id, from_team, signed, body_md, body_html, resources)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING id::text AS id, created_at`,
      [m.memberId, m.authorId, m.fromTeam, m.signed, m.body, renderMarkdown(m.body), m.resources ? JSON.stringify(m.resources) : null],
    );
    const { id, created_at } = rows[0];
    // the writer has read everything up to their own message; the other side has not
    await em.query(
      `INSERT INTO support_conversations AS c (member_id, last_message_at, awaiting_team, team_read_id, member_read_id)
       VALUES ($1, $2, $3, CASE WHEN $3 THEN 0 ELSE $4::bigint END, CASE WHEN $3 THEN $4::bigint ELSE 0 END)
       ON CONFLICT (member_id) DO UPDATE SET last_message_at = greatest(c.last_message_at, EXCLUDED.last_message_at), awaiting_team = EXCLUDED.awaiting_team,
         team_read_id = CASE WHEN $3 THEN c.team_read_id ELSE greatest(c.team_read_id, $4::bigint) END,
         member_read_id = CASE WHEN $3 THEN greatest(c.member_read_id, $4::bigint) ELSE c.member_read_id END`,
      [m.memberId, created_at, !m.fromTeam, id],
    );
    return id;
  }

  private async load(em: EntityManager | DataSource, id: string): Promise<SupportMessageRow> {
    const rows: SupportMessageRow[] = await em.query(`SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM} WHERE m.id = $1::bigint`, [id]);
    return rows[0];
  }

  private async page(memberId: string, q: SupportPageQuery, audience: 'member' | 'staff'): Promise<Page<SupportMessageView>> {
    const limit = q.limit ?? 20;
    const secret = this.secrets.appSecret;
    const cursor = decodeCursor(secret, q.cursor, isMessageCursor);
    const params: unknown[] = [memberId];
    if (cursor) params.push(cursor.id);
    params.push(limit + 1);
    const rows: SupportMessageRow[] = await this.dataSource.query(
      `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM}
        WHERE m.member_id = $1 ${cursor ? 'AND m.id < $2::bigint' : ''}
        ORDER BY m.id DESC LIMIT $${params.length}`,
      params,
    );
    return keysetPage(secret, rows, limit, (r) => toSupportMessageView(r, audience), (r) => ({ id: r.id }));
  }

  private announce(row: SupportMessageRow): void {
    const event: DomainEvents['support.message_created'] = {
      memberId: row.member_id,
      memberView: toSupportMessageView(row, 'member'),
      staffView: toSupportMessageView(row, 'staff'),
    };
    this.events.emit('support.message_created', event);
  }
}
