import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a post causes (its automatic report, its notifications) is written with the post, in its transaction, as a
 * row here; a relay turns each row into its reports and notifications in a transaction that also deletes the row.
 * A crash anywhere leaves either the post and its outbox row, or everything: nothing is lost after commit.
 */
export class Outbox1764300009000 implements MigrationInterface {
  name = 'Outbox1764300009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        topic text NOT NULL CHECK (length(topic) BETWEEN 1 AND 64),
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        attempts int NOT NULL DEFAULT 0,
        next_at timestamptz NOT NULL DEFAULT now(),
        last_error text
      );
      CREATE INDEX outbox_next_idx ON outbox (next_at, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbox`);
  }
}
