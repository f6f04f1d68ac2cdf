import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, MAIN } from './faults/spawn.js';

// These start the built app (`npm test` builds it first), the program `npm start` runs after its build.

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', SEED_NEW_EMBEDDED: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

async function waitForHealth(url: string, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return true;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

describe('starting the built app', () => {
  it('stops with a clear message when PORT is invalid', async () => {
    const p = run({ PORT: 'not-a-port', DATA_DIR: 'memory:' });
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/PORT must be a whole number from 0 to 65535 \(got "not-a-port"\)/);
  });

  it('serves /api/health from a clean data directory, restarts on it, and exits 0 on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'setback-start-'));
    try {
      for (const round of ['first start', 'restart']) {
        const port = await freePort();
        const p = run({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir });
        const up = await waitForHealth(`http://127.0.0.1:${port}`, 60_000);
        if (!up) console.error(round, p.output());
        expect(up).toBe(true);

        // a second process on the same embedded database is refused clearly instead of corrupting it
        if (round === 'first start') {
          const second = run({ PORT: String(await freePort()), DATA_DIR: dataDir });
          expect(await second.exited).toBe(1);
          expect(second.output()).toMatch(/in use by another Setback process/);
        }
        p.child.kill('SIGTERM');
        expect(await p.exited).toBe(0);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
