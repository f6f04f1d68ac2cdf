import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Moderator duty and crisis posts. A shift is one row per moderator (their current or last shift): "on duty" is
 * `until > now()`, so a shift ends by itself and every instance counts the same moderators. `reminded_at` marks the
 * one reminder sent shortly before the end. Stories and replies that matched a crisis phrase are marked `crisis`.
 */
export class DutyOfCare1764300011000 implements MigrationInterface {
  name = 'DutyOfCare1764300011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE moderator_shifts (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        started_at timestamptz NOT NULL DEFAULT now(),
        until timestamptz NOT NULL,
        reminded_at timestamptz,
        CHECK (until >= started_at)
      );
      CREATE INDEX moderator_shifts_until_idx ON moderator_shifts (until);
      ALTER TABLE threads ADD COLUMN crisis boolean NOT NULL DEFAULT false;
      ALTER TABLE replies ADD COLUMN crisis boolean NOT NULL DEFAULT false;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE replies DROP COLUMN crisis;
      ALTER TABLE threads DROP COLUMN crisis;
      DROP TABLE moderator_shifts;
    `);
  }
}
