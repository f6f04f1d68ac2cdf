import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Hardening1764300004000 implements MigrationInterface {
  name = 'Hardening1764300004000';

  async up(q: QueryRunner): Promise<void> {
    // names that differ only by look-alike characters ("rn"/"m", "0"/"o", "1"/"l"/"i", "vv"/"w", "_") collide here
    await q.query(`
      ALTER TABLE users ADD COLUMN username_skeleton text
        GENERATED ALWAYS AS (translate(replace(replace(replace(lower(username), '_', ''), 'rn', 'm'), 'vv', 'w'), '01i', 'oll')) STORED;
      CREATE UNIQUE INDEX users_username_skeleton_idx ON users (username_skeleton);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX users_username_skeleton_idx; ALTER TABLE users DROP COLUMN username_skeleton;`);
  }
}
