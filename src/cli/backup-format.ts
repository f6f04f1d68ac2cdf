import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { QueryRunner } from 'typeorm';
import { CliError } from './cli-db.js';

/**
 * The Setback backup format: a logical backup written by the app itself, the same for PostgreSQL and the
 * embedded database, needing no pg_dump (whose version would have to match the server's).
 *
 * One JSON value per line (the file may be gzip'd as a whole; restore recognises it by its magic bytes):
 *   {"format":"setback-backup","version":1,"createdAt":…,"source":…,"migrations":[…]}    the header
 *   {"table":"users","columns":[…],"types":[…]}                                           then per table, in foreign-key order,
 *   ["…", true, 3, null, …]                                                                its rows, one array per line
 *   {"end":true,"counts":{"users":12,…},"sequences":{"reply_id_seq":"57",…},"sha256":"…"}  the footer
 * `sha256` covers every line before the footer (each with its "\n"), so a truncated or edited file is refused.
 *
 * Values: booleans and 16/32-bit integers as JSON booleans and numbers; timestamps as ISO 8601 strings with
 * microseconds in UTC; bytea as base64; everything else (bigint, numeric, uuid, jsonb, arrays, …) as PostgreSQL's
 * own text form, which casts back exactly. Generated columns are left out: the database computes them again.
 */
export const BACKUP_FORMAT = 'setback-backup';
export const BACKUP_VERSION = 1;

/** Bookkeeping tables that belong to the schema, not to the content: never backed up, wiped or restored. */
export const EXCLUDED_TABLES = new Set(['migrations', 'typeorm_metadata']);

/** The key under which openDatabase migrates (src/database/data-source.ts): restore holds it so no server migrates meanwhile. */
export const MIGRATION_LOCK_KEY = 7_350_001;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  source: 'postgresql' | 'embedded';
  migrations: string[];
}

export interface TableLine {
  table: string;
  columns: string[];
  types: string[];
}

export interface BackupFooter {
  end: true;
  counts: Record<string, number>;
  sequences: Record<string, string | null>;
  sha256: string;
}

export type Cell = string | number | boolean | null;

export interface ColumnInfo {
  name: string;
  /** format_type(): what a text value is cast back to */
  type: string;
  /** the base type's name (domains resolved): how the value is written */
  base: string;
  generated: boolean;
  identityAlways: boolean;
}

export interface TableInfo {
  name: string;
  /** the columns a backup holds: all but the generated ones, in table order */
  columns: ColumnInfo[];
  primaryKey: string[];
  references: string[];
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export const qualifiedTable = (table: string): string => `public.${quoteIdent(table)}`;

/** Every content table of the public schema with its columns, primary key and the tables it references. */
export async function describeTables(q: QueryRunner): Promise<Map<string, TableInfo>> {
  const tables: { name: string }[] = await q.query(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.oid`,
  );
  const columns: { table: string; name: string; type: string; base: string; generated: string; identity: string }[] = await q.query(
    `SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            bt.typname AS base, a.attgenerated::text AS generated, a.attidentity::text AS identity
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`,
  );
  const keys: { table: string; name: string }[] = await q.query(
    `SELECT c.relname AS table, a.attname AS name
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      WHERE n.nspname = 'public' AND con.contype = 'p'
      ORDER BY c.relname, k.ord`,
  );
  const refs: { table: string; ref: string }[] = await q.query(
    `SELECT DISTINCT c.relname AS table, r.relname AS ref
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_class r ON r.oid = con.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND con.contype = 'f'`,
  );
  const out = new Map<string, TableInfo>();
  for (const { name } of tables) if (!EXCLUDED_TABLES.has(name)) out.set(name, { name, columns: [], primaryKey: [], references: [] });
  for (const c of columns) {
    out.get(c.table)?.columns.push({ name: c.name, type: c.type, base: c.base, generated: c.generated !== '', identityAlways: c.identity === 'a' });
  }
  for (const k of keys) out.get(k.table)?.primaryKey.push(k.name);
  for (const r of refs) if (r.ref !== r.table && out.has(r.ref)) out.get(r.table)?.references.push(r.ref);
  for (const t of out.values()) t.columns = t.columns.filter((c) => !c.generated);
  return out;
}

/**
 * Tables ordered so that every table comes after the tables it references (ties keep creation order, so the
 * order reads like the migrations). A table that references itself is ordered by its primary key within.
 */
export function dependencyOrder(tables: Map<string, TableInfo>): TableInfo[] {
  const done = new Set<string>();
  const order: TableInfo[] = [];
  const pending = [...tables.values()];
  while (pending.length) {
    const i = pending.findIndex((t) => t.references.every((r) => done.has(r)));
    if (i < 0) {
      throw new CliError(`These tables reference each other in a cycle, so no insert order exists: ${pending.map((t) => t.name).join(', ')}.`);
    }
    const [t] = pending.splice(i, 1);
    done.add(t.name);
    order.push(t);
  }
  return order;
}

/** The SELECT expression that writes a column the way the format stores it. */
export function encodeExpression(c: ColumnInfo): string {
  const col = quoteIdent(c.name);
  switch (c.base) {
    case 'bool':
    case 'int2':
    case 'int4':
      return col;
    case 'timestamptz':
      // years outside 1–9999 (and ±infinity) keep PostgreSQL's own form, which still casts back exactly
      return `CASE WHEN isfinite(${col}) AND extract(year FROM ${col} AT TIME ZONE 'UTC') BETWEEN 1 AND 9999
        THEN to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') ELSE ${col}::text END`;
    case 'timestamp':
      return `CASE WHEN isfinite(${col}) AND extract(year FROM ${col}) BETWEEN 1 AND 9999
        THEN to_char(${col}, 'YYYY-MM-DD"T"HH24:MI:SS.US') ELSE ${col}::text END`;
    case 'bytea':
      return `encode(${col}, 'base64')`;
    default:
      return `${col}::text`;
  }
}

/** The SQL that turns parameter $n (always sent as text) back into the column's value. */
export function decodeExpression(c: ColumnInfo, n: number): string {
  return c.base === 'bytea' ? `decode($${n}::text, 'base64')` : `$${n}::text::${c.type}`;
}

export const toParam = (v: Cell): string | null => (v === null ? null : typeof v === 'string' ? v : String(v));

/** Session settings under which text forms are stable (ISO dates, exact floats, UTC), and no statement times out. */
export async function setStableSession(q: QueryRunner): Promise<void> {
  await q.query(`SET LOCAL statement_timeout = 0`);
  await q.query(`SET LOCAL TimeZone = 'UTC'`);
  await q.query(`SET LOCAL DateStyle = 'ISO, YMD'`);
  await q.query(`SET LOCAL IntervalStyle = 'postgres'`);
  await q.query(`SET LOCAL extra_float_digits = 3`);
}

/** Names of the migrations applied to the database, oldest first ([] when it was never migrated). */
export async function appliedMigrations(q: QueryRunner): Promise<string[]> {
  const [{ exists }]: { exists: boolean }[] = await q.query(`SELECT to_regclass('public.migrations') IS NOT NULL AS exists`);
  if (!exists) return [];
  const rows: { name: string }[] = await q.query(`SELECT name FROM public.migrations ORDER BY id`);
  return rows.map((r) => r.name);
}

export interface SequenceInfo {
  name: string;
  /** the column that owns it (serial, bigserial, identity or OWNED BY), if any */
  table: string | null;
  column: string | null;
  /** last_value as text; null before its first use */
  value: string | null;
}

/** Every sequence of the public schema except those of the bookkeeping tables, with its owner and current value. */
export async function describeSequences(q: QueryRunner): Promise<SequenceInfo[]> {
  const rows: SequenceInfo[] = await q.query(
    `SELECT s.relname AS name, c.relname AS table, a.attname AS column, ps.last_value::text AS value
       FROM pg_class s
       JOIN pg_namespace n ON n.oid = s.relnamespace
       JOIN pg_sequences ps ON ps.schemaname = n.nspname AND ps.sequencename = s.relname
       LEFT JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
            AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
       LEFT JOIN pg_class c ON c.oid = d.refobjid
       LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE s.relkind = 'S' AND n.nspname = 'public'
      ORDER BY s.relname`,
  );
  return rows.filter((r) => !(r.table && EXCLUDED_TABLES.has(r.table)));
}

export const isGzip = async (path: string): Promise<boolean> => {
  const fh = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await fh.close();
  }
};

/** A backup line as read back, with its 1-based line number. */
export type BackupLine =
  | { kind: 'header'; line: number; value: BackupHeader }
  | { kind: 'table'; line: number; value: TableLine }
  | { kind: 'row'; line: number; value: Cell[] }
  | { kind: 'footer'; line: number; value: BackupFooter };

const truncated = (path: string, why: string): CliError =>
  new CliError(`${path} is not a complete Setback backup: ${why}. It was probably truncated (an interrupted copy, a full disk, or a backup still being written); nothing was restored.`);

/**
 * Reads a backup line by line with bounded memory (the stream is pulled as lines are consumed), checking its
 * structure as it goes: header first, rows only inside a table, footer last with matching counts and checksum.
 */
export async function* readBackup(path: string): AsyncGenerator<BackupLine> {
  const gz = await isGzip(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw new CliError(`There is no file ${path}.`);
    if (e.code === 'EISDIR') throw new CliError(`${path} is a folder, not a backup file.`);
    if (e.code === 'EACCES') throw new CliError(`${path} cannot be read (permission denied).`);
    throw e;
  });
  const file = createReadStream(path);
  const stream = gz ? file.pipe(createGunzip()) : file;
  if (gz) file.on('error', (e) => stream.destroy(e));
  const decoder = new StringDecoder('utf8');
  const hash: Hash = createHash('sha256');
  let lineNo = 0;
  let carry = '';
  let header: BackupHeader | null = null;
  let table: TableLine | null = null;
  let footer: BackupFooter | null = null;
  const counts: Record<string, number> = {};

  const parse = (text: string): BackupLine => {
    lineNo++;
    if (footer) throw truncated(path, `line ${lineNo} follows the end marker`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw truncated(path, `line ${lineNo} is not valid JSON`);
    }
    if (!header) {
      const h = value as BackupHeader;
      if (!h || typeof h !== 'object' || h.format !== BACKUP_FORMAT) throw new CliError(`${path} is not a Setback backup (its first line is not a setback-backup header).`);
      if (h.version !== BACKUP_VERSION) throw new CliError(`${path} is a version ${h.version} backup; this build of Setback reads version ${BACKUP_VERSION} only.`);
      if (!Array.isArray(h.migrations)) throw new CliError(`${path} has a damaged header (no migrations list).`);
      header = h;
      hash.update(`${text}\n`);
      return { kind: 'header', line: lineNo, value: h };
    }
    if (Array.isArray(value)) {
      if (!table) throw truncated(path, `line ${lineNo} holds a row outside any table`);
      if (value.length !== table.columns.length) throw truncated(path, `line ${lineNo} has ${value.length} values for the ${table.columns.length} columns of ${table.table}`);
      counts[table.table]++;
      hash.update(`${text}\n`);
      return { kind: 'row', line: lineNo, value: value as Cell[] };
    }
    const o = value as Partial<TableLine & BackupFooter>;
    if (o && typeof o === 'object' && typeof o.table === 'string' && Array.isArray(o.columns)) {
      if (o.table in counts) throw truncated(path, `table ${o.table} appears twice`);
      table = { table: o.table, columns: o.columns, types: o.types ?? [] };
      counts[o.table] = 0;
      hash.update(`${text}\n`);
      return { kind: 'table', line: lineNo, value: table };
    }
    if (o && typeof o === 'object' && o.end === true) {
      const f = o as BackupFooter;
      if (f.sha256 !== hash.digest('hex')) throw truncated(path, 'its checksum does not match its content');
      for (const [t, n] of Object.entries(f.counts ?? {})) {
        if (counts[t] !== n) throw truncated(path, `the end marker counts ${n} rows of ${t} but the file holds ${counts[t] ?? 0}`);
      }
      for (const t of Object.keys(counts)) if (!(t in (f.counts ?? {}))) throw truncated(path, `the end marker does not count table ${t}`);
      footer = f;
      return { kind: 'footer', line: lineNo, value: f };
    }
    throw truncated(path, `line ${lineNo} is neither a table, a row nor the end marker`);
  };

  try {
    for await (const chunk of stream) {
      const text = carry + decoder.write(chunk as Buffer);
      const lines = text.split('\n');
      carry = lines.pop() ?? '';
      for (const l of lines) yield parse(l);
    }
    carry += decoder.end();
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') throw truncated(path, `its gzip stream ${code === 'Z_BUF_ERROR' ? 'ends early' : 'is damaged'}`);
    throw e;
  } finally {
    stream.destroy();
    file.destroy();
  }
  if (carry !== '') throw truncated(path, `its last line (${lineNo + 1}) is incomplete`);
  if (!header) throw new CliError(`${path} is empty: it is not a Setback backup.`);
  if (!footer) throw truncated(path, 'it has no end marker');
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}
