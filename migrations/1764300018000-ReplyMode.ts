import type { MigrationInterface, QueryRunner } from 'typeorm';

const REASONS = ['harmful', 'harassment', 'spam', 'crisis', 'other'];

/**
 * Reply mode (issue 15): the author of a story says whether they would like readers to just listen or welcome
 * advice (`advice` by default: what every story posted before this meant). And the story's author may report a
 * reply as having ignored that wish: a report reason of its own, so moderators see it apart from harm.
 */
export class ReplyMode1764300018000 implements MigrationInterface {
  name = 'ReplyMode1764300018000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE threads ADD COLUMN reply_mode text NOT NULL DEFAULT 'advice' CHECK (reply_mode IN ('listening', 'advice'))`);
    await this.setReasons(q, [...REASONS, 'ignored_reply_mode']);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM reports WHERE reason = 'ignored_reply_mode'`);
    await this.setReasons(q, REASONS);
    await q.query(`ALTER TABLE threads DROP COLUMN reply_mode`);
  }

  /** The CHECK on reports.reason, by the name PostgreSQL gave the inline one of the Moderation migration. */
  private async setReasons(q: QueryRunner, reasons: string[]): Promise<void> {
    await q.query(`ALTER TABLE reports DROP CONSTRAINT IF EXISTS reports_reason_check`);
    await q.query(`ALTER TABLE reports ADD CONSTRAINT reports_reason_check CHECK (reason IN (${reasons.map((r) => `'${r}'`).join(', ')}))`);
  }
}
