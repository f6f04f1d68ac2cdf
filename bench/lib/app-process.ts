import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { log } from './log.js';
import { sleep } from './stats.js';

export interface AppProcess {
  pid: number;
  url: string;
  /** Resident memory of the app process in MB (VmRSS), or null where /proc is missing. */
  rssMb(): number | null;
  /** SIGTERM, then SIGKILL after 20 s. */
  stop(): Promise<void>;
  exited: boolean;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export function rssOf(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Variables of the parent that must not leak into the app under test: the bench decides its configuration. */
const SCRUBBED = ['DATABASE_URL', 'DATA_DIR', 'REDIS_URL', 'REDIS_PREFIX', 'METRICS_TOKEN', 'PUBLIC_ORIGIN', 'APP_SECRET', 'TRUST_PROXY', 'REVIEW_FIRST_POSTS', 'NODE_OPTIONS', 'PORT', 'HOST', 'LOG_LEVEL', 'RATE_LIMIT_SCALE', 'SEED_NEW_EMBEDDED', 'OVERLOAD_LAG_MS'];

/**
 * Starts `node dist/src/main.js` as a child process on a free loopback port and waits until /api/health answers.
 * Its output goes to a log file; warnings and errors are echoed (the first few) so a failing run is visible.
 */
export async function startAppProcess(opts: { root: string; env: Record<string, string>; logFile: string; nodeArgs?: string[]; name: string }): Promise<AppProcess> {
  const port = await freePort();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUBBED.includes(k)) env[k] = v;
  Object.assign(env, { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', RATE_LIMIT_SCALE: '100000', SEED_NEW_EMBEDDED: 'false' }, opts.env);
  const out = createWriteStream(opts.logFile, { flags: 'a' });
  out.write(`\n===== ${opts.name}: node ${[...(opts.nodeArgs ?? []), 'dist/src/main.js'].join(' ')} on port ${port} (${new Date().toISOString()})\n`);
  const child: ChildProcess = spawn(process.execPath, [...(opts.nodeArgs ?? []), 'dist/src/main.js'], { cwd: opts.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (!child.pid) throw new Error('the app could not be started');
  const pid = child.pid;
  let echoed = 0;
  const tail: string[] = [];
  const onLine = (line: string): void => {
    out.write(`${line}\n`);
    tail.push(line);
    if (tail.length > 30) tail.shift();
    // LOG_LEVEL=warn: whatever the app prints is worth a look, but a flood must not bury the progress lines
    if (echoed < 15 && !/is listening on|^Debugger (listening|attached|ending)|^For help, see/.test(line)) {
      echoed++;
      log(`  [app] ${line.length > 300 ? `${line.slice(0, 300)}…` : line}${echoed === 15 ? '  (further app output only in the log file)' : ''}`);
    }
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', onLine);

  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      out.write(`===== ${opts.name} exited (${signal ?? code})\n`);
      resolve();
    }),
  );

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`the app exited during start (code ${exitCode}). Last lines:\n${tail.join('\n')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the app did not answer /api/health within 90 s. Last lines:\n${tail.join('\n')}`);
    }
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }

  const app: AppProcess = {
    pid,
    url,
    exited: false,
    rssMb: () => rssOf(pid),
    stop: async () => {
      if (exitCode === undefined) {
        child.kill('SIGTERM'); // main.ts closes the app and the pool, and --cpu-prof writes its profile on this exit
        const killed = await Promise.race([exited.then(() => false), sleep(20_000).then(() => true)]);
        if (killed) {
          log('  the app did not stop within 20 s of SIGTERM: killing it');
          child.kill('SIGKILL');
          await exited;
        }
      }
      app.exited = true;
      await new Promise<void>((r) => out.end(r));
    },
  };
  return app;
}
