import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Privacy1764300005000 implements MigrationInterface {
  name = 'Privacy1764300005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE recovery_codes (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash text NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX recovery_codes_user_idx ON recovery_codes (user_id) WHERE used_at IS NULL;
      CREATE TABLE thread_mutes (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        thread_id uuid NOT NULL REFERENCES threads(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, thread_id)
      );
      ALTER TABLE users ADD COLUMN break_until timestamptz;
      ALTER TABLE users ADD COLUMN deleted_at timestamptz;
      ALTER TABLE users ADD COLUMN totp_secret text;
      ALTER TABLE users ADD COLUMN totp_enabled_at timestamptz;
      ALTER TABLE sessions ADD COLUMN second_factor_at timestamptz;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE sessions DROP COLUMN second_factor_at;
      ALTER TABLE users DROP COLUMN totp_enabled_at; ALTER TABLE users DROP COLUMN totp_secret;
      ALTER TABLE users DROP COLUMN deleted_at; ALTER TABLE users DROP COLUMN break_until;
      DROP TABLE thread_mutes; DROP TABLE recovery_codes;
    `);
  }
}
