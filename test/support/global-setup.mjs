import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * With TEST_DATABASE_URL (CI): a fresh database with a unique name per run; the first test app migrates it
 * (under the advisory lock), and global-teardown drops it. Without it every test file opens its own in-memory
 * embedded database, so `npm test` needs nothing installed.
 */
export default async function globalSetup() {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    console.log('\n[setback tests] TEST_DATABASE_URL is not set: each test file runs on its own in-memory embedded database (PGlite).');
    return;
  }
  const name = `setback_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  process.env.SETBACK_TEST_DATABASE_URL = url.toString();
  process.env.SETBACK_TEST_DATABASE_NAME = name;
  console.log(`\n[setback tests] running on PostgreSQL, database ${name}`);
}
