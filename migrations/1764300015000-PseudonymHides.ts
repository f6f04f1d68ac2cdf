import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A member hides one pseudonym in one story: the alternative to blocking for anonymous posts, keyed to the
 * pseudonym (what the member sees), never to the account behind it (which would reveal who wrote them).
 */
export class PseudonymHides1764300015000 implements MigrationInterface {
  name = 'PseudonymHides1764300015000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE pseudonym_hides (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        thread_id uuid NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
        pseudonym text NOT NULL CHECK (length(pseudonym) BETWEEN 1 AND 64),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, thread_id, pseudonym)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE pseudonym_hides`);
  }
}
