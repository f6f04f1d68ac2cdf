import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Notifications1764300002000 implements MigrationInterface {
  name = 'Notifications1764300002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('reply', 'mention', 'moderation', 'report')),
        thread_id uuid REFERENCES threads(id),
        reply_id bigint REFERENCES replies(id),
        actor_id uuid REFERENCES users(id),
        text text NOT NULL,
        read_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      -- a member's list, newest first, paged by keyset
      CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC);
      -- the unread count on every /auth/me
      CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notifications;`);
  }
}
