import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { openDatabase } from '../../src/database/data-source.js';
import { log } from './log.js';

/** The bits of node-postgres the bench uses (pg ships no types and @types/pg is not installed). */
interface PgClient {
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
  on(event: 'error', cb: (e: Error) => void): void;
}
interface PgModule {
  Client: new (o: { connectionString: string; connectionTimeoutMillis?: number }) => PgClient;
}
const pg = createRequire(import.meta.url)('pg') as PgModule;

export const DEFAULT_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A query function over the benchmark database, used for seeding; the same code for PostgreSQL and the embedded one. */
export interface Sql {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface BenchTarget {
  kind: 'postgres' | 'embedded';
  /** Shown in the report: where the data lives. */
  description: string;
  databaseName: string | null;
  serverVersion: string | null;
  /** PostgreSQL runs on this machine: its CPU can be read from /proc. */
  local: boolean;
  /** Environment for the app process (DATABASE_URL or DATA_DIR). */
  appEnv: Record<string, string>;
  /** Opens the database for seeding; the embedded one only while the app is stopped. */
  open(): Promise<Sql>;
  cleanup(): Promise<void>;
}

export const redact = (url: string): string => {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
};

async function adminClient(url: string): Promise<PgClient> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

async function reachable(url: string): Promise<boolean> {
  try {
    const c = await adminClient(url);
    await c.query('SELECT 1');
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** Seeding on PostgreSQL: one plain connection without the app's 15 s query timeout (a busy machine needs more). */
async function openPgSql(url: string): Promise<Sql> {
  const c = await adminClient(url);
  return {
    query: async <T>(sql: string, params?: unknown[]) => (await c.query(sql, params)).rows as T[],
    close: () => c.end(),
  };
}

async function openSql(env: Record<string, string>): Promise<Sql> {
  const db = await openDatabase(loadConfig({ LOG_LEVEL: 'silent', ...env }), { migrate: false, poolSize: 2 });
  return {
    query: <T>(sql: string, params?: unknown[]) => db.dataSource.query(sql, params) as Promise<T[]>,
    close: () => db.close(),
  };
}

/**
 * The benchmark database: a fresh `setback_bench_<time>` on BENCH_DATABASE_URL's server (or on the local default
 * PostgreSQL when that answers), dropped at the end; else the embedded database in a temp folder.
 */
export async function createTarget(stamp: string, forceEmbedded = false): Promise<BenchTarget> {
  const given = process.env.BENCH_DATABASE_URL?.trim();
  let base: string | null = null;
  if (forceEmbedded) {
    base = null;
  } else if (given) {
    if (!(await reachable(given))) throw new Error(`BENCH_DATABASE_URL (${redact(given)}) does not answer.`);
    base = given;
  } else if (await reachable(DEFAULT_POSTGRES)) {
    base = DEFAULT_POSTGRES;
  }

  if (base) {
    const name = `setback_bench_${stamp}`;
    const admin = await adminClient(base);
    const version = String((await admin.query('SHOW server_version')).rows[0].server_version);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(base);
    u.pathname = `/${name}`;
    const url = u.toString();
    const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(u.hostname);
    log(`Benchmark database: ${name} on ${redact(base)} (PostgreSQL ${version})`);
    return {
      kind: 'postgres',
      description: `PostgreSQL ${version}, database ${name} on ${u.host}`,
      databaseName: name,
      serverVersion: version,
      local,
      appEnv: { DATABASE_URL: url },
      open: () => openPgSql(url),
      cleanup: async () => {
        const c = await adminClient(base);
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
        log(`Dropped the benchmark database ${name}.`);
      },
    };
  }

  const dir = mkdtempSync(join(os.tmpdir(), 'setback-bench-'));
  const dataDir = join(dir, 'data');
  log('');
  log(
    forceEmbedded
      ? '!! --embedded: running on the EMBEDDED database.'
      : '!! No PostgreSQL answered (BENCH_DATABASE_URL unset, nothing at 127.0.0.1:5432): running on the EMBEDDED database.',
  );
  log('!! The targets in the table are for PostgreSQL; embedded figures are not comparable to them.');
  log('');
  return {
    kind: 'embedded',
    description: `embedded PGlite in ${dataDir} (targets are for PostgreSQL)`,
    databaseName: null,
    serverVersion: null,
    local: false,
    appEnv: { DATA_DIR: dataDir },
    open: () => openSql({ DATA_DIR: dataDir }),
    cleanup: async () => {
      rmSync(dir, { recursive: true, force: true });
      log(`Removed the embedded benchmark database in ${dir}.`);
    },
  };
}
