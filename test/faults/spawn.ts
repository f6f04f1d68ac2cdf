// Starting the built app (dist/src/main.js) as a real process, for tests that signal or kill it.
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MAIN = join(process.cwd(), 'dist/src/main.js');

/** The built app must exist: `npm test` builds it; with a bare `npx jest`, run `node scripts/build.mjs` first. */
export function requireBuild(): void {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`node scripts/build.mjs\` before these tests.`);
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

/** Where spawned apps keep their data: the run's PostgreSQL database when there is one, else a temporary embedded one. */
export function databaseEnv(): { env: Record<string, string>; where: string; cleanup: () => void } {
  const url = process.env.SETBACK_TEST_DATABASE_URL;
  if (url) return { env: { DATABASE_URL: url }, where: 'PostgreSQL', cleanup: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'setback-faults-'));
  return { env: { DATA_DIR: dir }, where: 'the embedded database', cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Spawned {
  child: ChildProcess;
  url: string;
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  output: () => string;
}

/** Starts the built app; `port` pins it (a restarted instance behind a proxy comes back where the proxy expects it). */
export async function spawnApp(env: Record<string, string>, opts: { port?: number } = {}): Promise<Spawned> {
  const port = opts.port ?? (await freePort());
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'warn',
      SEED_NEW_EMBEDDED: 'false',
      RATE_LIMIT_SCALE: '1000',
      OVERLOAD_LAG_MS: '0',
      SAFETY_MODE: 'off', // as in test/support/app.ts: no test depends on who else is on duty
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return { child, url: `http://127.0.0.1:${port}`, port, exited, output: () => out };
}

/** Waits until /api/health answers; returns how long it took, or throws with the app's output. */
export async function waitForHealth(app: Spawned, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (app.child.exitCode !== null) break;
    try {
      const res = await fetch(`${app.url}/api/health`);
      if (res.ok) return Date.now() - started;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the app did not come up within ${timeoutMs} ms:\n${app.output()}`);
}

/** Signs a member up on a spawned app; returns the session cookie. */
export async function signUp(url: string): Promise<{ cookie: string; username: string; id: string }> {
  const username = `fault_${Math.random().toString(36).slice(2, 10)}`;
  const res = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: 'long enough password', acceptGuidelines: true, confirmAge: true }),
  });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('setback_session='))?.split(';')[0];
  if (!cookie) throw new Error('no session cookie');
  return { cookie, username, id: ((await res.json()) as { id: string }).id };
}

export async function postJson(url: string, path: string, cookie: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie, Connection: 'close' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

/**
 * A request whose body arrives in two parts: the first now, the rest when `finish()` is called. Between the
 * two the request is in flight on the server (headers read, body awaited), which is what a slow client is.
 */
export function slowRequest(
  url: string,
  path: string,
  cookie: string,
  body: unknown,
  opts: { keepAlive?: boolean } = {},
): { finish: () => void; response: Promise<{ status: number; body: string; connection?: string } | { error: string }> } {
  const u = new URL(path, url);
  const data = Buffer.from(JSON.stringify(body));
  const req = httpRequest({
    hostname: u.hostname,
    port: u.port,
    path: u.pathname,
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Content-Length': data.length, Cookie: cookie, Connection: opts.keepAlive ? 'keep-alive' : 'close' },
  });
  const response = new Promise<{ status: number; body: string; connection?: string } | { error: string }>((resolve) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, connection: res.headers.connection }));
      res.on('error', (e) => resolve({ error: e.message }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
  });
  const half = Math.floor(data.length / 2);
  req.write(data.subarray(0, half));
  return { finish: () => req.end(data.subarray(half)), response };
}

/** Whether a new TCP connection to the port is refused (nothing listening any more). */
export async function refusesConnections(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause;
    return cause?.code === 'ECONNREFUSED';
  }
}

/** The promise's value, or `fallback` after ms (the timer is cleared either way, so nothing lingers). */
export async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
