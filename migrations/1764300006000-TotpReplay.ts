import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TotpReplay1764300006000 implements MigrationInterface {
  name = 'TotpReplay1764300006000';

  async up(q: QueryRunner): Promise<void> {
    // the last accepted time step: a code is good for one sign-in only
    await q.query(`ALTER TABLE users ADD COLUMN totp_last_step bigint`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN totp_last_step`);
  }
}
