import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One private conversation per member with the moderation team. `support_messages` holds both sides (the member's
 * messages and the team's, with the moderator who wrote each, shown to the member only when `signed`);
 * `support_conversations` is one row per member who has a conversation: when it last moved, whether the team owes
 * an answer, and how far each side has read (by message id). Notifications gain the kind `support`.
 */
export class SupportMessages1764300013000 implements MigrationInterface {
  name = 'SupportMessages1764300013000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE support_messages (
        id bigserial PRIMARY KEY,
        member_id uuid NOT NULL REFERENCES users(id),
        author_id uuid NOT NULL REFERENCES users(id),
        from_team boolean NOT NULL,
        signed boolean NOT NULL DEFAULT false,
        body_md text NOT NULL,
        body_html text NOT NULL,
        resources jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT support_messages_member_side CHECK (from_team OR (author_id = member_id AND NOT signed AND resources IS NULL))
      );
      CREATE INDEX support_messages_member_idx ON support_messages (member_id, id);
      CREATE TABLE support_conversations (
        member_id uuid PRIMARY KEY REFERENCES users(id),
        last_message_at timestamptz NOT NULL,
        awaiting_team boolean NOT NULL,
        team_read_id bigint NOT NULL DEFAULT 0,
        member_read_id bigint NOT NULL DEFAULT 0
      );
      CREATE INDEX support_conversations_recent_idx ON support_conversations (last_message_at DESC, member_id);
      CREATE INDEX support_conversations_open_idx ON support_conversations (last_message_at DESC, member_id) WHERE awaiting_team;
    `);
    await this.notificationKinds(q, (kinds) => [...new Set([...kinds, 'support'])]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notifications WHERE kind = 'support'`);
    await this.notificationKinds(q, (kinds) => kinds.filter((k) => k !== 'support'));
    await q.query(`DROP TABLE support_conversations; DROP TABLE support_messages`);
  }

  /**
   * Rewrites the CHECK on notifications.kind from the list it holds now (not from a copy written here), so kinds that
   * other migrations added before this one are kept.
   */
  private async notificationKinds(q: QueryRunner, change: (kinds: string[]) => string[]): Promise<void> {
    const rows: { name: string; def: string }[] = await q.query(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = 'notifications'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%kind%'`,
    );
    const current = rows[0];
    const kinds = current ? [...current.def.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]) : ['reply', 'mention', 'moderation', 'report'];
    const next = change(kinds);
    if (current) await q.query(`ALTER TABLE notifications DROP CONSTRAINT "${current.name}"`);
    await q.query(`ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (${next.map((k) => `'${k}'`).join(', ')}))`);
  }
}
