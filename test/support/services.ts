import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';

/** Whether a TCP service answers on a URL's host and port (used to skip loudly, or fail under CI=true). */
export function reachable(url: string, timeoutMs = 1000): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: u.hostname, port: Number(u.port) || 6379 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

/** What several app instances of one test share, as behind a load balancer: Redis under a prefix of their own (so
 * parallel runs sharing this Redis never hear each other) and one APP_SECRET (pseudonyms and cursors agree). */
export const clusterEnv = (): { REDIS_URL: string; REDIS_PREFIX: string; APP_SECRET: string } => ({
  REDIS_URL,
  REDIS_PREFIX: `setback-test-${randomBytes(4).toString('hex')}:`,
  APP_SECRET: randomBytes(32).toString('hex'),
});

/**
 * Decides whether a suite that needs outside services runs. Missing services skip it with a loud message,
 * except under CI=true, where they must be there.
 */
export async function requireServices(suite: string, needs: { redis?: boolean; postgres?: boolean }): Promise<boolean> {
  const missing: string[] = [];
  if (needs.postgres && !process.env.SETBACK_TEST_DATABASE_URL) missing.push('PostgreSQL (set TEST_DATABASE_URL)');
  if (needs.redis && !(await reachable(REDIS_URL))) missing.push(`Redis at ${REDIS_URL} (set REDIS_TEST_URL)`);
  if (!missing.length) return true;
  const message = `${suite}: needs ${missing.join(' and ')}`;
  if (process.env.CI === 'true') throw new Error(`${message}, and CI=true requires it.`);
  console.warn(`\n!!! SKIPPED — ${message}. These tests did not run. !!!\n`);
  return false;
}

/**
 * A PostgreSQL database of the suite's own, beside the run's shared one: every app on a database sweeps its outbox,
 * so another file's app could take a row of this suite's instances and push it to its own sockets, where none of
 * this suite's readers listen. A suite that kills instances and counts what its readers hold needs that not to happen.
 */
export async function privateDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('privateDatabase needs TEST_DATABASE_URL');
  const { default: pg } = await import('pg');
  const name = `${process.env.SETBACK_TEST_DATABASE_NAME ?? 'setback_test'}_${label}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
