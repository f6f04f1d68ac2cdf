import pg from 'pg';

export default async function globalTeardown() {
  const base = process.env.TEST_DATABASE_URL;
  const name = process.env.SETBACK_TEST_DATABASE_NAME;
  if (!base || !name) return;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
