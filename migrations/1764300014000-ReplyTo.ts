import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reply to a reply: `replies.reply_to` names an earlier reply (the service checks it is of the same story, published
 * and visible to the replier); erasing the answered reply's row leaves the answer without its quote. And the
 * notification kind `reply_to_you`, added to the kinds the CHECK on notifications.kind holds now (other
 * migrations add theirs too).
 */
export class ReplyTo1764300014000 implements MigrationInterface {
  name = 'ReplyTo1764300014000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE replies ADD COLUMN reply_to bigint REFERENCES replies (id) ON DELETE SET NULL, ADD CONSTRAINT replies_reply_to_earlier CHECK (reply_to < id);
      CREATE INDEX replies_reply_to_idx ON replies (reply_to) WHERE reply_to IS NOT NULL;
    `);
    await this.setKinds(q, (kinds) => [...kinds.filter((k) => k !== 'reply_to_you'), 'reply_to_you']);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notifications WHERE kind = 'reply_to_you'`);
    await this.setKinds(q, (kinds) => kinds.filter((k) => k !== 'reply_to_you'));
    await q.query(`DROP INDEX replies_reply_to_idx; ALTER TABLE replies DROP COLUMN reply_to`);
  }

  private async setKinds(q: QueryRunner, change: (kinds: string[]) => string[]): Promise<void> {
    const [check]: { def: string }[] = await q.query(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'notifications'::regclass AND conname = 'notifications_kind_check'`,
    );
    const kinds = change([...(check?.def ?? '').matchAll(/'([a-z_]+)'/g)].map((m) => m[1]));
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT IF EXISTS notifications_kind_check`);
    await q.query(`ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (${kinds.map((k) => `'${k}'`).join(', ')}))`);
  }
}
