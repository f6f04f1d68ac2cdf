import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The author's arc (issue 15): follow-ups an author adds under their story ("N months later"), the one private
 * reminder per story that asks them for one (claimed exactly once by whichever instance finds it due: `fired_at`),
 * and the replies an author marked as having helped them most (at most three, checked under the story's row lock).
 * Notifications gain the kinds `follow_up_reminder` and `highlighted`.
 */
export class AuthorsArc1764300016000 implements MigrationInterface {
  name = 'AuthorsArc1764300016000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE follow_ups (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        thread_id uuid NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
        author_id uuid NOT NULL REFERENCES users (id),
        body_md text NOT NULL CHECK (length(body_md) BETWEEN 1 AND 10000),
        body_html text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX follow_ups_thread_idx ON follow_ups (thread_id, id);
      CREATE INDEX follow_ups_author_idx ON follow_ups (author_id);

      CREATE TABLE follow_up_reminders (
        thread_id uuid PRIMARY KEY REFERENCES threads (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id),
        in_months smallint NOT NULL CHECK (in_months IN (1, 3, 6, 12)),
        due_at timestamptz NOT NULL,
        fired_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      -- what the poll scans: only reminders still waiting, by when they are due
      CREATE INDEX follow_up_reminders_due_idx ON follow_up_reminders (due_at) WHERE fired_at IS NULL;
      CREATE INDEX follow_up_reminders_user_idx ON follow_up_reminders (user_id);

      CREATE TABLE reply_highlights (
        thread_id uuid NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
        reply_id bigint NOT NULL REFERENCES replies (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (thread_id, reply_id)
      );
      CREATE INDEX reply_highlights_reply_idx ON reply_highlights (reply_id);
    `);
    await this.setKinds(q, (kinds) => [...kinds.filter((k) => k !== 'follow_up_reminder' && k !== 'highlighted'), 'follow_up_reminder', 'highlighted']);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notifications WHERE kind IN ('follow_up_reminder', 'highlighted')`);
    await this.setKinds(q, (kinds) => kinds.filter((k) => k !== 'follow_up_reminder' && k !== 'highlighted'));
    await q.query(`DROP TABLE reply_highlights; DROP TABLE follow_up_reminders; DROP TABLE follow_ups`);
  }

  /** Rewrites the CHECK on notifications.kind from the list it holds now, so the kinds other migrations added stay. */
  private async setKinds(q: QueryRunner, change: (kinds: string[]) => string[]): Promise<void> {
    const [check]: { def: string }[] = await q.query(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'notifications'::regclass AND conname = 'notifications_kind_check'`,
    );
    const kinds = change([...(check?.def ?? '').matchAll(/'([a-z_]+)'/g)].map((m) => m[1]));
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT IF EXISTS notifications_kind_check`);
    await q.query(`ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (${kinds.map((k) => `'${k}'`).join(', ')}))`);
  }
}
