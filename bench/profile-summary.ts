/**
 * Summarises a V8 .cpuprofile (from `npm run bench -- --profile`): where the app's CPU time went, by package and
 * by function (self time). Usage: node dist/bench/profile-summary.js bench/results/app-<time>.cpuprofile [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** `node_modules/@nestjs/core/…` → `@nestjs/core`; the app's own files by folder; V8 and Node internals by name. */
export function ownerOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return 'node (built-in modules)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = /\/dist\/(src\/[^/]+|migrations)\//.exec(url);
  if (dist) return `app: ${dist[1]}`;
  return url.replace(/^file:\/\//, '');
}

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node dist/bench/profile-summary.js <file.cpuprofile> [top]');
    process.exit(2);
  }
  const top = Number(topArg ?? 30);
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, t]) => a + t, 0);
  const busy = total - idle;

  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id);
    if (!n || n.callFrame.functionName === '(idle)') continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const owner = ownerOf(url, functionName);
    owners.set(owner, (owners.get(owner) ?? 0) + t);
    const key = `${functionName || '(anonymous)'}  ${owner}${url ? `:${lineNumber + 1}` : ''}`;
    functions.set(key, (functions.get(key) ?? 0) + t);
  }
  const pct = (t: number): string => `${((t / busy) * 100).toFixed(1).padStart(5)} %`;
  const s = (t: number): string => `${(t / 1e6).toFixed(2).padStart(7)} s`;
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (shares below are of busy time)\n`);
  console.log('By package (self time):');
  for (const [o, t] of [...owners].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(t)} ${s(t)}  ${o}`);
  console.log(`\nTop ${top} functions (self time):`);
  for (const [f, t] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(t)} ${s(t)}  ${f}`);
}

main();
