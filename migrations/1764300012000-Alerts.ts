import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerts for moderators (a crisis post, a crisis report, content reaching the auto-hide threshold), written in the
 * transaction of what raised them; at most one open alert of a kind per target. And the moderation log's subject:
 * the member an entry is about (the named author of a story or reply, or the member acted on), for `?username=`.
 * Anonymous posts have no subject here, so that filtering the log by a member never ties them to one. And an index
 * to find the notifications a reply caused, withdrawn when a moderator hides or removes it.
 */
export class Alerts1764300012000 implements MigrationInterface {
  name = 'Alerts1764300012000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('crisis_post', 'crisis_report', 'report_threshold')),
        target_type text NOT NULL CHECK (target_type IN ('thread', 'reply', 'user')),
        target_id text NOT NULL CHECK (length(target_id) BETWEEN 1 AND 64),
        thread_id uuid REFERENCES threads(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        done_at timestamptz,
        done_by uuid REFERENCES users(id) ON DELETE SET NULL,
        note text CHECK (note IS NULL OR char_length(note) <= 1000),
        CHECK (done_by IS NULL OR done_at IS NOT NULL)
      );
      CREATE UNIQUE INDEX alerts_open_once_idx ON alerts (kind, target_type, target_id) WHERE done_at IS NULL;
      CREATE INDEX alerts_open_idx ON alerts (created_at, id) WHERE done_at IS NULL;
      CREATE INDEX alerts_done_idx ON alerts (done_at DESC, id DESC) WHERE done_at IS NOT NULL;

      -- withdrawing the notifications a hidden or removed reply caused
      CREATE INDEX notifications_reply_idx ON notifications (reply_id) WHERE reply_id IS NOT NULL;

      ALTER TABLE moderation_log ADD COLUMN subject_id uuid REFERENCES users(id) ON DELETE SET NULL;
      CREATE INDEX moderation_log_subject_idx ON moderation_log (subject_id, id DESC) WHERE subject_id IS NOT NULL;
      UPDATE moderation_log l SET subject_id = u.id FROM users u WHERE l.target_type = 'user' AND u.id::text = l.target_id;
      UPDATE moderation_log l SET subject_id = t.author_id FROM threads t WHERE l.target_type = 'thread' AND t.id::text = l.target_id AND NOT t.anonymous;
      UPDATE moderation_log l SET subject_id = r.author_id FROM replies r JOIN threads t ON t.id = r.thread_id
       WHERE l.target_type = 'reply' AND r.id::text = l.target_id AND NOT r.anonymous AND NOT (t.anonymous AND r.author_id = t.author_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX notifications_reply_idx;
      DROP INDEX moderation_log_subject_idx;
      ALTER TABLE moderation_log DROP COLUMN subject_id;
      DROP TABLE alerts;
    `);
  }
}
