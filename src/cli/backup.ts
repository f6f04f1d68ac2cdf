import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { QueryFailedError, type QueryRunner } from 'typeorm';
import { loadConfig } from '../config/config.js';
import {
  appliedMigrations,
  BACKUP_FORMAT,
  BACKUP_VERSION,
  BackupFooter,
  BackupHeader,
  Cell,
  decodeExpression,
  dependencyOrder,
  describeSequences,
  describeTables,
  encodeExpression,
  formatBytes,
  plural,
  qualifiedTable,
  quoteIdent,
  setStableSession,
  TableInfo,
  TableLine,
  toParam,
} from './backup-format.js';
import { CliError, withDatabase } from './cli-db.js';

/**
 * `npm run backup -- <file>`: writes a consistent logical backup of the configured database (PostgreSQL or the
 * embedded one) to <file>, gzip'd when the name ends in .gz. See backup-format.ts for the format.
 */
const BATCH_ROWS = 1000;
const PROGRESS_EVERY = 100_000;
const USAGE = [
  'Usage: npm run backup -- [<file>]',
  '  Writes a backup of the configured database (DATABASE_URL, else the embedded database in DATA_DIR) to <file>.',
  '  A name ending in .gz is gzip-compressed. Default: backups/setback-<date and time>.jsonl.gz',
].join('\n');

async function backup(runner: QueryRunner, embedded: boolean, file: string): Promise<void> {
  const started = Date.now();
  const target = resolve(file);
  const partial = `${target}.partial`;
  await runner.connect();
  // one snapshot for every table: the backup is consistent even while a server keeps writing (PostgreSQL)
  await runner.query('START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
  let wrote = false;
  try {
    await setStableSession(runner);
    const migrations = await appliedMigrations(runner);
    if (!migrations.length) throw new CliError('This database holds no Setback schema (it was never migrated): there is nothing to back up.');
    const tables = dependencyOrder(await describeTables(runner));
    // a server starting with new migrations waits until the backup is read, so the schema cannot change under it
    if (tables.length) await runner.query(`LOCK TABLE ${tables.map((t) => qualifiedTable(t.name)).join(', ')} IN ACCESS SHARE MODE`);
    for (const t of tables) {
      if (!t.primaryKey.length) throw new CliError(`Table ${t.name} has no primary key, so it cannot be read in batches; the backup stopped.`);
    }
    const [{ now }]: { now: string }[] = await runner.query(`SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS now`);
    const where = embedded ? `the embedded database in ${loadConfig().dataDir}` : `the PostgreSQL database "${(await runner.query('SELECT current_database() AS db'))[0].db}"`;
    console.log(`Backing up ${where} to ${file}`);

    const header: BackupHeader = { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: now, source: embedded ? 'embedded' : 'postgresql', migrations };
    const counts: Record<string, number> = {};
    const width = Math.max(...tables.map((t) => t.name.length));
    const hash = createHash('sha256');
    const line = (value: unknown): string => {
      const text = `${JSON.stringify(value)}\n`;
      hash.update(text);
      return text;
    };

    async function* content(): AsyncGenerator<string> {
      yield line(header);
      for (const t of tables) {
        const tableLine: TableLine = { table: t.name, columns: t.columns.map((c) => c.name), types: t.columns.map((c) => c.type) };
        yield line(tableLine);
        let n = 0;
        for await (const rows of readTable(runner, t)) {
          yield rows.map(line).join('');
          n += rows.length;
          if (Math.floor(n / PROGRESS_EVERY) > Math.floor((n - rows.length) / PROGRESS_EVERY)) console.log(`  ${t.name.padEnd(width)} … ${n} rows so far`);
        }
        // same snapshot, so the count must agree: a guard against any row being skipped by the paging
        const [{ count }]: { count: string }[] = await runner.query(`SELECT count(*)::text AS count FROM ${qualifiedTable(t.name)}`);
        if (Number(count) !== n) throw new Error(`Read ${n} rows of ${t.name}, but it holds ${count}; the backup stopped.`);
        counts[t.name] = n;
        console.log(`  ${t.name.padEnd(width)} ${plural(n, 'row')}`);
      }
      const sequences = Object.fromEntries((await describeSequences(runner)).map((s) => [s.name, s.value]));
      const footer: BackupFooter = { end: true, counts, sequences, sha256: hash.digest('hex') };
      yield `${JSON.stringify(footer)}\n`;
    }

    // a recursive mkdir spins forever under some pseudo file systems (/proc): create only what is missing below an existing parent
    const dir = dirname(target);
    if (!existsSync(dir)) await mkdir(dir, { recursive: !existsSync(dirname(dir)) });
    await rm(partial, { force: true }); // left by a crashed run: start afresh, with the right permissions
    wrote = true;
    const source = Readable.from(content(), { objectMode: false });
    // password hashes, the app secret, who wrote each anonymous post: readable by its owner only
    const sink = createWriteStream(partial, { mode: 0o600 });
    if (target.endsWith('.gz')) await pipeline(source, createGzip(), sink);
    else await pipeline(source, sink);
    await runner.query('COMMIT');

    // on disk before it gets its final name: a crash never leaves a file that looks complete but is not
    const fh = await open(partial, 'r+');
    await fh.sync();
    await fh.close();
    await rename(partial, target);
    await open(dirname(target), 'r').then(async (d) => {
      await d.sync().catch(() => undefined);
      await d.close();
    }).catch(() => undefined);

    const { size } = await stat(target);
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(
      `Backup complete: ${file} (${formatBytes(size)}; ${plural(tables.length, 'table')}, ${plural(rows, 'row')}; ` +
        `schema at ${migrations[migrations.length - 1]}) in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
    );
  } catch (e) {
    await runner.query('ROLLBACK').catch(() => undefined);
    if (wrote) await rm(partial, { force: true }).catch(() => undefined);
    const code = (e as NodeJS.ErrnoException).code;
    if (code && /^E[A-Z]+$/.test(code) && (e as NodeJS.ErrnoException).syscall) {
      // the file system said no (no space, no permission, not a folder…): a message, not a stack trace
      throw new CliError(`The backup failed: ${(e as Error).message}. ${file} was not written.`);
    }
    if (e instanceof QueryFailedError) throw new CliError(`The backup failed: ${e.message}. ${file} was not written.`);
    if (!(e instanceof CliError)) console.error(`The backup failed; ${file} was not written.`);
    throw e;
  } finally {
    await runner.release();
  }
}

/** The rows of one table in primary-key order, BATCH_ROWS at a time (keyset paging), encoded for the file. */
async function* readTable(runner: QueryRunner, t: TableInfo): AsyncGenerator<Cell[][]> {
  const select = t.columns.map((c) => `${encodeExpression(c)} AS ${quoteIdent(c.name)}`).join(', ');
  const keyIndex = t.primaryKey.map((k) => t.columns.findIndex((c) => c.name === k));
  const keyColumns = keyIndex.map((i) => t.columns[i]);
  // qualified, so ORDER BY sorts by the stored value and not by the same-named text it is selected as
  const orderBy = keyColumns.map((c) => `t.${quoteIdent(c.name)}`).join(', ');
  const after = `(${orderBy}) > (${keyColumns.map((c, i) => decodeExpression(c, i + 1)).join(', ')})`;
  let last: Cell[] | null = null;
  for (;;) {
    const sql = `SELECT ${select} FROM ${qualifiedTable(t.name)} AS t${last ? ` WHERE ${after}` : ''} ORDER BY ${orderBy} LIMIT ${BATCH_ROWS}`;
    const found: Record<string, Cell>[] = await runner.query(sql, last ? keyIndex.map((i) => toParam(last![i])) : undefined);
    if (!found.length) return;
    const rows = found.map((r) => t.columns.map((c) => r[c.name] ?? null));
    yield rows;
    if (found.length < BATCH_ROWS) return;
    last = rows[rows.length - 1];
  }
}

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith('-'));
const positional = args.filter((a) => !a.startsWith('-'));

if (flags.includes('--help') || flags.includes('-h')) {
  console.log(USAGE);
} else if (flags.length || positional.length > 1) {
  console.error(`${flags.length ? `Unknown option ${flags[0]}` : 'Give one file name'}.\n${USAGE}`);
  process.exitCode = 1;
} else {
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const file = positional[0] ?? `backups/setback-${stamp}.jsonl.gz`;
  await withDatabase(({ dataSource, embedded }) => backup(dataSource.createQueryRunner(), embedded, file), { migrate: false });
}
