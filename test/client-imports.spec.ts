// The browser client's import graph (client/src), read from the sources: the moderators' code (client/src/mod)
// depends on the story screen's parts and never the other way round, stays out of the main bundle (reached only
// by a dynamic import()), and sits in no import circle. Type-only and `typeof import()` references count as
// edges too: a circle through types is still a circle for a reader.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

type Kind = 'static' | 'type' | 'dynamic';
interface Edge {
  from: string;
  to: string;
  kind: Kind;
}

const root = resolve(dirname(new URL(import.meta.url).pathname), '../client/src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Module paths relative to client/src, with forward slashes ("mod/index.ts"). */
const rel = (path: string) => relative(root, path).split(sep).join('/');

function importsOf(file: string): Edge[] {
  // comments may name modules ("fetched by import('../mod/index.js')"): they are no imports
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const edges: Edge[] = [];
  const add = (spec: string, kind: Kind) => {
    if (!spec.startsWith('.')) return;
    const to = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
    if (to.startsWith(root + sep)) edges.push({ from: rel(file), to: rel(to), kind });
  };
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) add(m[2]!, m[1] ? 'type' : 'static');
  for (const m of text.matchAll(/(typeof\s+)?\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) add(m[2]!, m[1] ? 'type' : 'dynamic');
  return edges;
}

/** Groups of modules that reach each other (Tarjan's strongly connected components), larger than one. */
function circles(edges: Edge[], nodes: string[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return found;
}

const files = sources(root);
const nodes = files.map(rel);
const edges = files.flatMap(importsOf);
const show = (list: Edge[]) => list.map((e) => `${e.from} -> ${e.to} (${e.kind})`);

describe('client import graph', () => {
  it('reads the imports it checks (the story screen loads the staff chunk on demand)', () => {
    expect(nodes).toContain('screens/story.ts');
    expect(edges).toContainEqual({ from: 'screens/story.ts', to: 'mod/index.ts', kind: 'dynamic' });
    expect(edges).toContainEqual({ from: 'mod/story-tools.ts', to: 'components/story/types.ts', kind: 'type' });
  });

  it('has no import circle that goes through the moderators’ code', () => {
    expect(circles(edges, nodes).filter((group) => group.some((n) => n.startsWith('mod/')))).toEqual([]);
  });

  it('the moderators’ code never imports a screen', () => {
    expect(show(edges.filter((e) => e.from.startsWith('mod/') && e.to.startsWith('screens/')))).toEqual([]);
  });

  it('the story screen’s parts (and every component) know nothing of the moderators’ code', () => {
    expect(show(edges.filter((e) => e.from.startsWith('components/') && (e.to.startsWith('mod/') || e.to.startsWith('screens/'))))).toEqual([]);
  });

  it('staff-only code is reached from outside client/src/mod only by a dynamic import() (its own lazy chunk)', () => {
    expect(show(edges.filter((e) => !e.from.startsWith('mod/') && e.to.startsWith('mod/') && e.kind === 'static'))).toEqual([]);
  });
});
