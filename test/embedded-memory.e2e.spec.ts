// The embedded default is lean: `npm start` on a new data folder (PGlite, the migrations, the demo seed) must not
// hold the memory of a database server. Ceilings are generous (they prove the settings took, not a benchmark);
// the measured figures are in docs/performance.md, "Embedded database memory".
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBuild, spawnApp, waitForHealth } from './faults/spawn.js';

const MB = (status: string, key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)\\s+kB`).exec(status)?.[1] ?? NaN) / 1024;
const memory = (pid: number): { rss: number; hwm: number } => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rss: MB(status, 'VmRSS'), hwm: MB(status, 'VmHWM') };
};
const children = (pid: number): number[] => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

describe('embedded database memory', () => {
  it('starts on a new data folder from the template, migrates and seeds within 350 MB peak and stays under 300 MB resident', async () => {
    requireBuild();
    if (process.env.SETBACK_TEST_DATABASE_URL || process.env.TEST_DATABASE_URL) {
      console.warn('embedded-memory: this run uses PostgreSQL, but this test always measures the EMBEDDED database (its own temporary DATA_DIR).');
    }
    // always the embedded database, whatever the run's database: spawnApp passes no DATABASE_URL unless told to
    const parent = mkdtempSync(join(tmpdir(), 'setback-memory-'));
    const app = await spawnApp({ DATA_DIR: join(parent, 'data'), SEED_NEW_EMBEDDED: 'true' });
    // a new folder is unpacked from the stored template by a small child process; initdb's (~700 MB) may not run
    let childPeak = 0;
    const sampler = setInterval(() => {
      for (const pid of children(app.child.pid!)) {
        try {
          const { hwm } = memory(pid);
          if (Number.isFinite(hwm)) childPeak = Math.max(childPeak, hwm); // an exiting process has no memory lines
        } catch {
          /* it just exited */
        }
      }
    }, 100);
    try {
      await waitForHealth(app, 150_000);
      clearInterval(sampler);
      // the first start seeds the demo content after it listens: wait for it, then let the start settle
      const seeded = Date.now();
      while (!app.output().includes('Demo content added') && Date.now() - seeded < 30_000) await new Promise((r) => setTimeout(r, 100));
      expect(app.output()).toContain('Demo content added');
      await new Promise((r) => setTimeout(r, 2_000));
      const health = await fetch(`${app.url}/api/health`);
      expect(health.ok).toBe(true);
      const { rss, hwm } = memory(app.child.pid!);
      console.log(`embedded-memory: server VmRSS ${rss.toFixed(0)} MB, VmHWM ${hwm.toFixed(0)} MB; child processes VmHWM ${childPeak.toFixed(0)} MB (first start, new data folder)`);
      expect(hwm).toBeLessThanOrEqual(350);
      expect(rss).toBeLessThanOrEqual(300);
      // initdb (PGlite's own: two PostgreSQL heaps and a copy of one) is what the template replaces
      expect(childPeak).toBeLessThanOrEqual(200);
    } finally {
      clearInterval(sampler);
      app.child.kill('SIGTERM');
      await app.exited;
      rmSync(parent, { recursive: true, force: true });
    }
  }, 240_000);
});
