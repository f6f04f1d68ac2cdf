import { PGlite, type PGliteOptions, types } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import type { AppConfig } from '../config/config.js';
import { lockEmbeddedDatabase } from './embedded-lock.js';
import { findTemplate, templateBlob, unpackTemplate, writeTemplate } from './embedded-template.js';
import { ENTITIES } from './entities.js';
import { createPGliteDriver } from './pglite-pool.js';

export interface OpenDatabase {
  dataSource: DataSource;
  embedded: boolean;
  /** True when this open applied the very first migration: a brand-new database. */
  fresh: boolean;
  close(): Promise<void>;
  /** The PostgreSQL pool's connections (for metrics); null on the embedded database, which has no pool. */
  poolCounts(): { total: number; idle: number; waiting: number } | null;
}

const MIGRATION_LOCK_KEY = 7_350_001; // pg_advisory_lock key: several instances may start at once

const common = {
  type: 'postgres' as const,
  entities: ENTITIES,
  migrations: MIGRATIONS,
  migrationsTableName: 'migrations',
  synchronize: false,
  migrationsRun: false,
  installExtensions: false,
  logging: false,
};

/**
 * Serving connections fail fast: a lost or partitioned database answers 503 within about 2 s instead of hanging.
 * Migrations and command-line tools (backup, restore) get no statement limit, as their work can be long.
 */
export function postgresOptions(url: string, poolSize = 10, fastFail = true): DataSourceOptions {
  return {
    ...common,
    url,
    poolSize,
    connectTimeoutMS: 2000,
    extra: {
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      ...(fastFail ? { query_timeout: 2_000, statement_timeout: 2_000 } : {}),
    },
  };
}

/**
 * PostgreSQL's memory settings for the embedded database, sized for one session and a small forum (PGlite runs
 * PostgreSQL in WebAssembly, whose memory only grows: whatever it touches once stays resident). The stock defaults
 * are sized for a server with a hundred connections (shared_buffers 128MB alone is 128 MB of resident memory
 * here). Durability settings are PGlite's own and untouched: synchronous_commit stays on.
 */
export const EMBEDDED_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '16MB', // the forum's hot pages; the operating system's page cache holds the rest of the files
  wal_buffers: '1MB',
  temp_buffers: '2MB',
  work_mem: '2MB', // per sort or hash: the forum's queries are paged and indexed
  maintenance_work_mem: '16MB', // CREATE INDEX (the full-text GIN indexes) and VACUUM
  max_connections: '10', // PGlite has one session; each connection slot reserves shared memory
};

const settingsParams = (settings: Readonly<Record<string, string>>): string[] => Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);

/** PGlite.create options: PGlite's default start parameters (durability included) plus the memory settings. */
function pgliteOptions(): PGliteOptions {
  return {
    // match node-postgres: 64-bit integers and numerics stay strings (reply ids are decimal strings)
    parsers: { [types.INT8]: (v: string) => v, [types.NUMERIC]: (v: string) => v },
    // trigram similarity for similar stories (migration StoryDiscovery creates the extension)
    extensions: { pg_trgm },
    startParams: [...PGlite.defaultStartParams, ...settingsParams(EMBEDDED_SETTINGS)],
    // initdb's own runs of PostgreSQL (and the postgresql.conf it writes) get the same sizes
    initDbStartParams: settingsParams({ shared_buffers: EMBEDDED_SETTINGS.shared_buffers, max_connections: EMBEDDED_SETTINGS.max_connections }),
  };
}

/**
 * PGlite's WebAssembly runs on V8's baseline compiler unless EMBEDDED_WASM_OPTIMIZE is set. V8's optimizing tier,
 * working on PostgreSQL's large functions once the first queries make them hot, held ~600 MB for about a second
 * under Node 24 (an 850 MB peak on a first start) and ~50 MB more for good under Node 20, and slowed the first start
 * by ~2 s; it buys the embedded database 30–45 % more reads per second (docs/performance.md, "Embedded database
 * memory"). The lean default is for the newcomer's machine; a forum that outgrows it wants PostgreSQL anyway.
 * Set before PGlite compiles its module; PostgreSQL deployments never get here.
 */
const BASELINE_WASM_FLAGS = ['--no-wasm-tier-up', '--no-wasm-dynamic-tiering'];
function baselineWasmOnly(): void {
  for (const flag of BASELINE_WASM_FLAGS) v8.setFlagsFromString(flag);
}

/**
 * Creates a new on-disk embedded database in a short-lived child process. PGlite's initdb runs a second
 * PostgreSQL instance and copies its whole WebAssembly heap; done in this process, that left about 300 MB more
 * resident for the server's whole life (WebAssembly memory never shrinks, and the allocator keeps the rest).
 * The server then reopens the finished folder, which takes well under a second.
 */
function initEmbeddedInChild(dataDir: string): void {
  const pglite = pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href;
  const script = `const { PGlite } = await import(${JSON.stringify(pglite)});
const db = await PGlite.create(process.argv[1], JSON.parse(process.argv[2]));
await db.close();`;
  const { startParams, initDbStartParams } = pgliteOptions();
  const r = spawnSync(process.execPath, [...BASELINE_WASM_FLAGS, '--input-type=module', '-e', script, dataDir, JSON.stringify({ startParams, initDbStartParams })], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not create the embedded database in ${dataDir}: ${r.stderr || r.error?.message || `exit ${r.status}`}`);
}

async function openPGlite(dataDir: string, optimizeWasm: boolean): Promise<{ db: PGlite; release: () => void }> {
  if (!optimizeWasm) baselineWasmOnly();
  const release = dataDir === 'memory:' ? () => undefined : lockEmbeddedDatabase(dataDir);
  try {
    // a new database is a copy of the stored template (embedded-template.ts); initdb only when there is none
    const template = findTemplate();
    if (dataDir === 'memory:') {
      const db = await PGlite.create({ ...pgliteOptions(), ...(template ? { loadDataDir: templateBlob(template) } : {}) });
      return { db, release };
    }
    if (!existsSync(`${dataDir}/PG_VERSION`)) {
      if (template) unpackTemplate(template, dataDir);
      else initEmbeddedInChild(dataDir);
    }
    const db = await PGlite.create(dataDir, pgliteOptions());
    return { db, release };
  } catch (e) {
    release();
    throw e;
  }
}

/** Stores a new template for the installed PGlite version (`npm run embedded-template`, after upgrading PGlite). */
export function createEmbeddedTemplate(): Promise<{ file: string; bytes: number }> {
  return writeTemplate(pgliteOptions());
}

/** One full garbage collection, without needing node's --expose-gc flag on the command line. */
export function collectGarbage(): void {
  try {
    v8.setFlagsFromString('--expose-gc');
    (vm.runInNewContext('gc') as () => void)();
  } catch {
    /* a runtime without it: the collector runs on its own schedule */
  }
}

/** Opens the configured database (PostgreSQL or embedded) and applies pending migrations. */
export async function openDatabase(config: AppConfig, opts: { migrate?: boolean; poolSize?: number; fastFail?: boolean } = {}): Promise<OpenDatabase> {
  const migrate = opts.migrate ?? true;
  if (config.databaseUrl) {
    let fresh = false;
    if (migrate) {
      // migrations may run long (an index on a big table): they get their own connection without the serving limits
      const migrator = new DataSource(postgresOptions(config.databaseUrl, 2, false));
      await migrator.initialize();
      try {
        fresh = await runMigrationsLocked(migrator, true);
      } finally {
        await migrator.destroy();
      }
    }
    const dataSource = new DataSource(postgresOptions(config.databaseUrl, opts.poolSize, opts.fastFail ?? true));
    await dataSource.initialize();
    // TypeORM keeps node-postgres' pool as the driver's `master`: read here, by the module that owns the connection
    const pool = (): { totalCount?: unknown; idleCount?: unknown; waitingCount?: unknown } | undefined => (dataSource.driver as unknown as { master?: never }).master;
    return {
      dataSource,
      embedded: false,
      fresh,
      close: async () => {
        if (dataSource.isInitialized) await dataSource.destroy();
      },
      poolCounts: () => {
        const p = pool();
        return p && typeof p.totalCount === 'number' ? { total: Number(p.totalCount), idle: Number(p.idleCount), waiting: Number(p.waitingCount) } : null;
      },
    };
  }
  const existed = config.dataDir !== 'memory:' && existsSync(`${config.dataDir}/PG_VERSION`);
  const { db, release } = await openPGlite(config.dataDir, config.embeddedWasmOptimize);
  const dataSource = new DataSource({ ...common, driver: createPGliteDriver(db, config.embeddedBusyTimeoutMs) } as DataSourceOptions);
  try {
    await dataSource.initialize();
    const applied = migrate ? await runMigrationsLocked(dataSource, false) : false;
    return {
      dataSource,
      embedded: true,
      fresh: applied && !existed,
      close: async () => {
        if (dataSource.isInitialized) await dataSource.destroy();
        release();
      },
      poolCounts: () => null,
    };
  } catch (e) {
    if (dataSource.isInitialized) await dataSource.destroy();
    else await db.close();
    release();
    throw e;
  }
}

/** Applies pending migrations; on PostgreSQL under an advisory lock. Returns true when the first migration ran now. */
export async function runMigrationsLocked(dataSource: DataSource, advisory: boolean): Promise<boolean> {
  const runner = advisory ? dataSource.createQueryRunner() : null;
  if (runner) {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  }
  try {
    const done = await dataSource.runMigrations({ transaction: 'each' });
    return done.some((m) => m.name === MIGRATIONS[0].name);
  } finally {
    if (runner) {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      await runner.release();
    }
  }
}
