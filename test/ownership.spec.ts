// One owner per table (issue 13 item 2), read from the sources: every table that migrations/ creates has an owner
// module in docs/ownership.md, and a file of src/ outside that module runs SQL on the table only where the same
// document lists it ("Statements outside the owner"), as a deliberate exception or as debt still to move. A row
// that no longer matches any statement fails too, so the list can only shrink. SQL is found as text: a table
// named after FROM, JOIN, UPDATE, INSERT INTO or DELETE FROM (upper case, as every statement here is written).
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');
const doc = readFileSync(join(root, 'docs/ownership.md'), 'utf8');

type Access = 'read' | 'write';
interface Use {
  table: string;
  file: string;
  access: Access;
  sql: string;
}
interface Exception {
  line: string;
  tables: string[];
  files: RegExp[];
  access: Access[];
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The rows of the markdown table that follows a heading, as arrays of cells (header and rule left out). */
function tableAfter(heading: string): string[][] {
  const at = doc.indexOf(`\n## ${heading}\n`);
  if (at < 0) throw new Error(`docs/ownership.md has no section "${heading}"`);
  const lines = doc.slice(at).split('\n').slice(2);
  const rows: string[][] = [];
  let started = false;
  for (const line of lines) {
    if (!line.startsWith('|')) {
      if (started) break;
      continue;
    }
    started = true;
    rows.push(line.slice(1, -1).split('|').map((c) => c.trim()));
  }
  return rows.slice(2);
}

const list = (cell: string): string[] => cell.split(',').map((x) => x.trim()).filter(Boolean);
const glob = (pattern: string): RegExp => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);

const tables = [
  ...new Set(
    readdirSync(join(root, 'migrations'))
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...readFileSync(join(root, 'migrations', f), 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)/g)].map((m) => m[1]!)),
  ),
];
const owners = new Map(tableAfter('The map').map(([table, owner]) => [table!, owner!]));
const exceptions: Exception[] = tableAfter('Statements outside the owner').map((cells) => ({
  line: cells.join(' | '),
  tables: list(cells[0]!),
  files: list(cells[1]!).map(glob),
  access: list(cells[2]!) as Access[],
}));

/** Every statement of src/ on a table, outside comments. */
function uses(): Use[] {
  const names = tables.join('|');
  const re = new RegExp(`\\b(FROM|JOIN|UPDATE|INSERT INTO|DELETE FROM)\\s+(${names})\\b`, 'g');
  return sources(src).flatMap((path) => {
    const text = readFileSync(path, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    const file = relative(src, path).split(sep).join('/');
    return [...text.matchAll(re)].map((m) => ({ table: m[2]!, file, access: m[1] === 'FROM' || m[1] === 'JOIN' ? ('read' as const) : ('write' as const), sql: m[0] }));
  });
}

const moduleOf = (file: string): string => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '');
/** Read-only JOIN users, for an author's name or whether the account is gone: allowed anywhere (docs/ownership.md). */
const displayJoin = (u: Use): boolean => u.table === 'users' && u.sql.startsWith('JOIN');
const covers = (e: Exception, u: Use): boolean => e.tables.includes(u.table) && e.files.some((f) => f.test(u.file)) && e.access.includes(u.access);

describe('one owner per table', () => {
  const found = uses();
  const outside = found.filter((u) => owners.has(u.table) && moduleOf(u.file) !== owners.get(u.table) && !displayJoin(u));

  it('finds the statements it checks (the scan itself works)', () => {
    // a scan that found nothing would pass everything below
    expect(found.filter((u) => u.file === 'stories/threads.repository.ts' && u.table === 'threads' && u.access === 'write').length).toBeGreaterThan(3);
    expect(found.some((u) => u.file === 'users/users.repository.ts' && u.sql === 'UPDATE users')).toBe(true);
  });

  it('gives every table of the migrations an owner module that exists', () => {
    expect(tables.length).toBeGreaterThan(20);
    expect(tables.filter((t) => !owners.has(t))).toEqual([]);
    const modules = new Set(readdirSync(src).filter((name) => statSync(join(src, name)).isDirectory()));
    expect([...owners].filter(([, owner]) => !modules.has(owner)).map(([t, owner]) => `${t} → ${owner}`)).toEqual([]);
  });

  it('runs SQL on a table outside its owner only where docs/ownership.md lists it', () => {
    const unlisted = outside.filter((u) => !exceptions.some((e) => covers(e, u))).map((u) => `src/${u.file}: ${u.sql} (owner: ${owners.get(u.table)})`);
    expect([...new Set(unlisted)]).toEqual([]);
  });

  it('lists no exception that no statement needs any more', () => {
    expect(exceptions.length).toBeGreaterThan(0);
    for (const e of exceptions) for (const t of e.tables) expect([t, owners.has(t)]).toEqual([t, true]);
    expect(exceptions.filter((e) => !outside.some((u) => covers(e, u))).map((e) => e.line)).toEqual([]);
  });
});
