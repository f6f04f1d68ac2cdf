import type { MigrationInterface, QueryRunner } from 'typeorm';

const CRISIS_PHRASES = ['kill myself', 'end my life', 'want to die', 'suicide', 'suicidal', 'self harm', 'self-harm', 'hurt myself', 'take my own life', 'no reason to live'];

export class Moderation1764300003000 implements MigrationInterface {
  name = 'Moderation1764300003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reporter_id uuid REFERENCES users(id) ON DELETE SET NULL,
        target_type text NOT NULL CHECK (target_type IN ('thread', 'reply', 'user')),
        target_id text NOT NULL,
        thread_id uuid REFERENCES threads(id),
        reason text NOT NULL CHECK (reason IN ('harmful', 'harassment', 'spam', 'crisis', 'other')),
        note text,
        automatic boolean NOT NULL DEFAULT false,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
        resolution text CHECK (resolution IN ('dismiss', 'hide', 'remove')),
        resolved_by uuid REFERENCES users(id) ON DELETE SET NULL,
        resolved_at timestamptz,
        resolution_note text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      -- one open report per reporter and target
      CREATE UNIQUE INDEX reports_open_once_idx ON reports (reporter_id, target_type, target_id) WHERE status = 'open' AND reporter_id IS NOT NULL;
      CREATE INDEX reports_queue_idx ON reports (status, created_at, id);
      CREATE INDEX reports_target_idx ON reports (target_type, target_id) WHERE status = 'open';

      CREATE TABLE moderation_log (
        id bigserial PRIMARY KEY,
        actor_id uuid REFERENCES users(id) ON DELETE SET NULL,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text NOT NULL,
        reason text,
        data jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX moderation_log_actor_idx ON moderation_log (actor_id, id DESC);
      CREATE INDEX moderation_log_target_idx ON moderation_log (target_id, id DESC);

      CREATE TABLE watched_words (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        pattern text NOT NULL UNIQUE CHECK (char_length(pattern) BETWEEN 1 AND 100),
        action text NOT NULL CHECK (action IN ('block', 'hold', 'flag', 'crisis')),
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX replies_pending_idx ON replies (created_at) WHERE status = 'pending';
      CREATE INDEX threads_pending_idx ON threads (created_at) WHERE status = 'pending';
    `);
    for (const p of CRISIS_PHRASES) await q.query(`INSERT INTO watched_words (pattern, action) VALUES ($1, 'crisis')`, [p]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX threads_pending_idx; DROP INDEX replies_pending_idx;
      DROP TABLE watched_words; DROP TABLE moderation_log; DROP TABLE reports;
    `);
  }
}
