import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The review queue pages by keyset on (created_at, id) within each table, oldest first. The old partial indexes
 * held created_at only, so every page had to sort its ties; these hold the whole key under the same predicate
 * (status = 'pending'), so they serve everything the old ones did and replace them.
 */
export class QueuePaging1764300007000 implements MigrationInterface {
  name = 'QueuePaging1764300007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX threads_pending_queue_idx ON threads (created_at, id) WHERE status = 'pending';
      CREATE INDEX replies_pending_queue_idx ON replies (created_at, id) WHERE status = 'pending';
      DROP INDEX threads_pending_idx;
      DROP INDEX replies_pending_idx;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX replies_pending_idx ON replies (created_at) WHERE status = 'pending';
      CREATE INDEX threads_pending_idx ON threads (created_at) WHERE status = 'pending';
      DROP INDEX replies_pending_queue_idx;
      DROP INDEX threads_pending_queue_idx;
    `);
  }
}
