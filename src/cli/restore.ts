import { DataSource, Migration, MigrationExecutor, QueryFailedError, QueryRunner } from 'typeorm';
import {
  appliedMigrations,
  BackupFooter,
  BackupHeader,
  Cell,
  ColumnInfo,
  decodeExpression,
  describeSequences,
  describeTables,
  MIGRATION_LOCK_KEY,
  plural,
  qualifiedTable,
  quoteIdent,
  readBackup,
  setStableSession,
  TableInfo,
  toParam,
} from './backup-format.js';
import { CliError, withDatabase } from './cli-db.js';

/**
 * `npm run restore -- <file> [--force]`: loads a backup written by `npm run backup` into the configured database.
 *
 * The file is checked completely first (structure, end marker, counts, checksum), so a truncated backup is refused
 * before the database is touched. Then everything happens in one transaction: the schema is brought to the
 * backup's migrations, the content tables are wiped, the rows inserted in dependency order, the counts verified,
 * the sequences moved past every restored id, and the migrations this build has beyond the backup applied on top.
 * Any failure rolls all of it back.
 */
const MAX_BATCH_ROWS = 1000;
const MAX_BATCH_PARAMS = 30_000;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;
const USAGE = [
  'Usage: npm run restore -- <file> [--force]',
  '  Restores a backup made by `npm run backup` into the configured database (DATABASE_URL, else the embedded database in DATA_DIR).',
  '  --force  the database already has content: wipe it and replace it with the backup (stop the servers first)',
].join('\n');

/** Runs the migrations of this build, or only those named, on the given (transaction-holding) query runner. */
class Migrations extends MigrationExecutor {
  constructor(dataSource: DataSource, runner: QueryRunner, private readonly only: Set<string> | null = null) {
    super(dataSource, runner);
    this.transaction = 'all'; // inside the restore's transaction: nothing commits on its own
  }

  protected override getMigrations(): Migration[] {
    const all = super.getMigrations();
    return this.only ? all.filter((m) => this.only!.has(m.name)) : all;
  }
}

interface CheckedBackup {
  header: BackupHeader;
  footer: BackupFooter;
}

/** Reads the whole file once: a cut-short or damaged backup is refused before the database is even opened. */
async function check(file: string): Promise<CheckedBackup> {
  let header: BackupHeader | null = null;
  let footer: BackupFooter | null = null;
  for await (const l of readBackup(file)) {
    if (l.kind === 'header') header = l.value;
    else if (l.kind === 'footer') footer = l.value;
  }
  if (!header || !footer) throw new CliError(`${file} is not a complete Setback backup.`);
  return { header, footer };
}

async function restore(dataSource: DataSource, embedded: boolean, file: string, { header, footer }: CheckedBackup, started: number): Promise<void> {
  // 1. this build must know every migration the backup's schema went through
  const known = dataSource.migrations.map((m) => m.name ?? m.constructor.name);
  const unknown = header.migrations.filter((m) => !known.includes(m));
  if (unknown.length) {
    throw new CliError(`${file} was made by a newer Setback: this build does not know its migration(s) ${unknown.join(', ')}. Restore it with that version or a later one.`);
  }
  const total = Object.values(footer.counts).reduce((a, b) => a + b, 0);
  console.log(`Restoring ${file}: a backup of ${header.createdAt} (${header.source}), ${plural(Object.keys(footer.counts).length, 'table')}, ${plural(total, 'row')}.`);

  const runner = dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    await setStableSession(runner);
    // a server starting meanwhile waits for the restore instead of migrating a half-restored database
    if (!embedded) await runner.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);

    // 2. an existing community is never overwritten by accident
    const [{ exists }]: { exists: boolean }[] = await runner.query(`SELECT to_regclass('public.users') IS NOT NULL AS exists`);
    const members = exists ? Number((await runner.query('SELECT count(*)::int AS n FROM public.users'))[0].n) : 0;
    if (members > 0 && !force) {
      throw new CliError(
        `The database already holds ${plural(members, 'member')}; nothing was restored. Restoring replaces everything in it: ` +
          'stop the server(s) and run again with --force to wipe it and restore the backup in its place.',
      );
    }
    if (members > 0) console.log(`  --force: wiping the ${plural(members, 'member')} and all content now in the database`);

    // 3. the schema exactly as it was when the backup was made
    const wanted = new Set(header.migrations);
    let applied = await appliedMigrations(runner);
    while (applied.length && !wanted.has(applied[applied.length - 1])) {
      const last = applied[applied.length - 1];
      if (!known.includes(last)) throw new CliError(`The database was migrated by a newer Setback (${last} is unknown to this build); restore with that version.`);
      console.log(`  reverting migration ${last} (the backup is older); it is applied again after the restore`);
      await new Migrations(dataSource, runner).undoLastMigration();
      applied = await appliedMigrations(runner);
    }
    const stray = applied.filter((m) => !wanted.has(m));
    if (stray.length) throw new CliError(`The database has migration(s) the backup lacks and that cannot be reverted first: ${stray.join(', ')}.`);
    const upTo = await new Migrations(dataSource, runner, wanted).executePendingMigrations();
    if (upTo.length) console.log(`  applied ${plural(upTo.length, 'migration')} to reach the backup's schema`);

    // 4. wipe, then load the rows in the file's (dependency) order
    const tables = await describeTables(runner);
    const missing = Object.keys(footer.counts).filter((t) => !tables.has(t));
    if (missing.length) throw new CliError(`The backup holds table(s) this database does not have: ${missing.join(', ')}.`);
    for (const t of tables.keys()) if (!(t in footer.counts)) console.warn(`  warning: table ${t} is not in the backup; it is left empty`);
    if (tables.size) await runner.query(`TRUNCATE ${[...tables.keys()].map(qualifiedTable).join(', ')} RESTART IDENTITY CASCADE`);

    const width = Math.max(...Object.keys(footer.counts).map((t) => t.length));
    let loader: TableLoader | null = null;
    const finish = async (): Promise<void> => {
      if (!loader) return;
      await loader.flush();
      console.log(`  ${loader.table.name.padEnd(width)} ${plural(loader.rows, 'row')}`);
      loader = null;
    };
    for await (const l of readBackup(file)) {
      if (l.kind === 'table') {
        await finish();
        loader = new TableLoader(runner, tables.get(l.value.table)!, l.value.columns);
      } else if (l.kind === 'row') await loader!.add(l.value, l.line);
    }
    await finish();

    // 5. every row arrived
    for (const [t, n] of Object.entries(footer.counts)) {
      const [{ count }]: { count: string }[] = await runner.query(`SELECT count(*)::text AS count FROM ${qualifiedTable(t)}`);
      if (Number(count) !== n) throw new CliError(`Table ${t} holds ${count} rows after the restore, but the backup has ${n}; nothing was restored.`);
    }

    // 6. new ids continue after every restored one (and after any the backed-up database had handed out)
    for (const s of await describeSequences(runner)) {
      let value = s.name in footer.sequences && footer.sequences[s.name] !== null ? BigInt(footer.sequences[s.name]!) : null;
      if (s.table && s.column) {
        const [{ max }]: { max: string | null }[] = await runner.query(`SELECT max(${quoteIdent(s.column)})::text AS max FROM ${qualifiedTable(s.table)}`);
        if (max !== null && (value === null || BigInt(max) > value)) value = BigInt(max);
      }
      if (value === null) await runner.query(`ALTER SEQUENCE ${qualifiedTable(s.name)} RESTART`);
      else await runner.query(`SELECT setval($1::regclass, $2::bigint, true)`, [qualifiedTable(s.name), value.toString()]);
    }

    // 7. the migrations this build has beyond the backup, on the restored content
    const later = await new Migrations(dataSource, runner).executePendingMigrations();
    if (later.length) console.log(`  applied ${plural(later.length, 'newer migration')}: ${later.map((m) => m.name).join(', ')}`);

    await runner.commitTransaction();
  } catch (e) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    // the database's own words, without the (possibly huge) statement that TypeORM attaches to its error
    if (e instanceof QueryFailedError) throw new CliError(`The restore failed and was rolled back; the database is as it was.\n${e.message}`);
    if (!(e instanceof CliError)) console.error('The restore failed and was rolled back; the database is as it was.');
    throw e;
  } finally {
    await runner.release();
  }
  await dataSource.query('ANALYZE').catch(() => undefined); // fresh planner statistics for the new content
  console.log(`Restore complete: ${plural(total, 'row')} in ${plural(Object.keys(footer.counts).length, 'table')} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

/** Batched multi-row INSERTs of one table, with the backup's column list. */
class TableLoader {
  rows = 0;
  private batch: Cell[][] = [];
  private bytes = 0;
  private readonly columns: ColumnInfo[];
  private readonly head: string;
  private readonly perBatch: number;

  constructor(
    private readonly runner: QueryRunner,
    readonly table: TableInfo,
    names: string[],
  ) {
    this.columns = names.map((name) => {
      const c = table.columns.find((x) => x.name === name);
      if (!c) throw new CliError(`The backup has a column ${table.name}.${name} that this database lacks (or computes itself); nothing was restored.`);
      return c;
    });
    const overriding = this.columns.some((c) => c.identityAlways) ? ' OVERRIDING SYSTEM VALUE' : '';
    this.head = `INSERT INTO ${qualifiedTable(table.name)} (${this.columns.map((c) => quoteIdent(c.name)).join(', ')})${overriding} VALUES `;
    this.perBatch = Math.max(1, Math.min(MAX_BATCH_ROWS, Math.floor(MAX_BATCH_PARAMS / Math.max(1, this.columns.length))));
  }

  private firstLine = 0;

  async add(row: Cell[], line: number): Promise<void> {
    if (!this.batch.length) this.firstLine = line;
    this.batch.push(row);
    for (const v of row) if (typeof v === 'string') this.bytes += v.length;
    if (this.batch.length >= this.perBatch || this.bytes >= MAX_BATCH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.batch.length) return;
    const params: (string | null)[] = [];
    const tuples = this.batch.map(
      (row) =>
        `(${this.columns
          .map((c, i) => {
            params.push(toParam(row[i]));
            return decodeExpression(c, params.length);
          })
          .join(', ')})`,
    );
    try {
      await this.runner.query(this.head + tuples.join(', '), params);
    } catch (e) {
      if (!(e instanceof QueryFailedError)) throw e;
      const last = this.firstLine + this.batch.length - 1;
      throw new CliError(`The restore failed and was rolled back; the database is as it was.\nThe rows of ${this.table.name} on lines ${this.firstLine}–${last} of the backup were refused: ${e.message}`);
    }
    this.rows += this.batch.length;
    this.batch = [];
    this.bytes = 0;
  }
}

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith('-'));
const positional = args.filter((a) => !a.startsWith('-'));
const force = flags.includes('--force');

if (flags.includes('--help') || flags.includes('-h')) {
  console.log(USAGE);
} else if (flags.some((f) => f !== '--force') || positional.length !== 1) {
  const bad = flags.find((f) => f !== '--force');
  console.error(`${bad ? `Unknown option ${bad}` : positional.length ? 'Give one file name' : 'Which backup? Give its file name'}.\n${USAGE}`);
  process.exitCode = 1;
} else {
  const started = Date.now();
  const file = positional[0];
  const checked = await check(file).catch((e: unknown) => {
    console.error(e instanceof CliError ? e.message : e);
    process.exitCode = 1;
    return null;
  });
  if (checked) await withDatabase(({ dataSource, embedded }) => restore(dataSource, embedded, file, checked, started), { migrate: false });
}
