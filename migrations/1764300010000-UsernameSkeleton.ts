import type { MigrationInterface, QueryRunner } from 'typeorm';
import { usernameSkeleton } from '../src/users/username-skeleton.js';

/**
 * The look-alike check moves from a SQL expression to Unicode's confusable skeletons plus Setback's own rules
 * (src/users/username-skeleton.ts), computed by the app on sign-up and stored; the unique index stays. Names that
 * already exist and only now look alike are all kept: the oldest holds the skeleton, the later ones a marked copy
 * (never a real skeleton, which has no "#"), so no new name can look like any of them.
 */
export class UsernameSkeleton1764300010000 implements MigrationInterface {
  name = 'UsernameSkeleton1764300010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX users_username_skeleton_idx; ALTER TABLE users DROP COLUMN username_skeleton; ALTER TABLE users ADD COLUMN username_skeleton text`);
    const users: { id: string; username: string }[] = await q.query('SELECT id, username FROM users ORDER BY created_at, id');
    const held = new Set<string>();
    const skeletons = users.map((u) => {
      const s = usernameSkeleton(u.username);
      if (!held.has(s)) return held.add(s), s;
      return `${s}#${u.id}`;
    });
    await q.query(`UPDATE users u SET username_skeleton = v.s FROM unnest($1::uuid[], $2::text[]) AS v(id, s) WHERE u.id = v.id`, [users.map((u) => u.id), skeletons]);
    await q.query(`ALTER TABLE users ALTER COLUMN username_skeleton SET NOT NULL; CREATE UNIQUE INDEX users_username_skeleton_idx ON users (username_skeleton)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // the rule of 1764300004000-Hardening; it also equates a lower-case i with l, so two names made since that differ
    // only there ("ciara", "clara") stop the revert with a unique violation, and one of them must be renamed first
    await q.query(`
      DROP INDEX users_username_skeleton_idx;
      ALTER TABLE users DROP COLUMN username_skeleton;
      ALTER TABLE users ADD COLUMN username_skeleton text
        GENERATED ALWAYS AS (translate(replace(replace(replace(lower(username), '_', ''), 'rn', 'm'), 'vv', 'w'), '01i', 'oll')) STORED;
      CREATE UNIQUE INDEX users_username_skeleton_idx ON users (username_skeleton);
    `);
  }
}
