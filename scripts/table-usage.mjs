// Lists, per table created in migrations/, the files of src/ whose SQL strings name it after FROM, JOIN, UPDATE,
// INSERT INTO or DELETE FROM (with the verbs found and how often), to compare with docs/ownership.md.
// Usage: node scripts/table-usage.mjs [table]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const tables = [...new Set(readdirSync('migrations').filter((f) => f.endsWith('.ts'))
  .flatMap((f) => [...readFileSync(join('migrations', f), 'utf8').matchAll(/CREATE TABLE ([a-z_]+)/g)].map((m) => m[1])))];
const files = [];
const walk = (dir) => {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts') && !p.endsWith('.spec.ts')) files.push(p);
  }
};
walk('src');
const only = process.argv[2];
for (const t of tables.filter((x) => !only || x === only)) {
  console.log(t);
  for (const f of files.sort()) {
    const verbs = new Map();
    for (const m of readFileSync(f, 'utf8').matchAll(new RegExp(`\\b(FROM|JOIN|UPDATE|INSERT INTO|DELETE FROM)\\s+${t}\\b`, 'g'))) verbs.set(m[1], (verbs.get(m[1]) ?? 0) + 1);
    if (verbs.size) console.log(`  ${f}: ${[...verbs].map(([v, n]) => `${v} ×${n}`).join(', ')}`);
  }
}
