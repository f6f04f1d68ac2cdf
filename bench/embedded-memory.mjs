#!/usr/bin/env node
// Memory of a first `npm start` on the embedded database (docs/performance.md, "Embedded database memory").
// Usage, after `node scripts/build.mjs`: node bench/embedded-memory.mjs [runs=3] [secondsAfterHealth=8]
// Starts `node --max-old-space-size=192 dist/src/main.js` (MAIN= to point elsewhere) on a fresh DATA_DIR, reads
// /proc/<pid>/status (and its children's: the initdb child) every 100 ms until /api/health answers and a few
// seconds after (the demo seed included). Prints each run and the medians. TRACE=1 prints the RSS timeline.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const runs = Number(process.argv[2] ?? 3), after = Number(process.argv[3] ?? 8) * 1000;
const kb = (s, k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0) / 1024;
const results = [];
for (let i = 0; i < runs; i++) {
  const dir = join(mkdtempSync(join(tmpdir(), 'emem-')), 'data');
  const port = 40000 + Math.floor(Math.random() * 2000);
  const t0 = Date.now();
  const child = spawn(process.execPath, ['--max-old-space-size=192', process.env.MAIN ?? 'dist/src/main.js'], { env: { ...process.env, DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = ''; child.stdout.on('data', (d) => (out += d)); child.stderr.on('data', (d) => (out += d));
  const samples = [];
  let healthAt = null, rssAtHealth = null;
  const kids = (pid) => { try { return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).flatMap((c) => [Number(c), ...kids(c)]); } catch { return []; } };
  let childHwm = 0, treeMax = 0;
  const timer = setInterval(() => { try { const s = readFileSync(`/proc/${child.pid}/status`, 'utf8'); let tree = kb(s, 'VmRSS'); for (const k of kids(child.pid)) { try { const cs = readFileSync(`/proc/${k}/status`, 'utf8'); tree += kb(cs, 'VmRSS'); childHwm = Math.max(childHwm, kb(cs, 'VmHWM')); } catch {} } treeMax = Math.max(treeMax, tree); samples.push({ t: Date.now() - t0, rss: kb(s, 'VmRSS'), hwm: kb(s, 'VmHWM') }); } catch {} }, 100);
  while (healthAt === null && Date.now() - t0 < 120000) {
    try { const r = await fetch(`http://127.0.0.1:${port}/api/health`); if (r.ok) { healthAt = Date.now() - t0; rssAtHealth = samples.at(-1)?.rss; } } catch {}
    if (healthAt === null) await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, after));
  clearInterval(timer);
  const last = samples.at(-1);
  child.kill('SIGTERM'); await new Promise((r) => child.on('exit', r));
  rmSync(join(dir, '..'), { recursive: true, force: true });
  const res = { healthMs: healthAt, rssAtHealth: Math.round(rssAtHealth), rssEnd: Math.round(last.rss), hwm: Math.round(last.hwm), maxRss: Math.round(Math.max(...samples.map((s) => s.rss))), childHwm: Math.round(childHwm), treeMax: Math.round(treeMax) };
  if (process.env.TRACE) console.log(samples.filter((_, j) => j % 5 === 0).map((s) => `${s.t}:${Math.round(s.rss)}`).join(' '));
  if (process.env.OUT) console.log(out.slice(-2000));
  console.log(JSON.stringify(res)); results.push(res);
}
const med = (k) => { const v = results.map((r) => r[k]).sort((a, b) => a - b); return v[Math.floor(v.length / 2)]; };
console.log('median', JSON.stringify({ healthMs: med('healthMs'), rssAtHealth: med('rssAtHealth'), rssEnd: med('rssEnd'), hwm: med('hwm'), childHwm: med('childHwm'), treeMax: med('treeMax') }));
