import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { databaseEnv, requireBuild, spawnApp, type Spawned, waitForHealth } from './faults/spawn.js';
import { waitFor } from './support/sockets.js';

// The built app as `npm start` runs it, with stdout a pipe (as under a process manager or in a container):
// JSON lines, one per request, without the response's headers; LOG_FORMAT=pretty gives the terminal's lines.
describe('log format', () => {
  const apps: Spawned[] = [];
  const cleanups: (() => void)[] = [];

  beforeAll(() => requireBuild());
  afterAll(async () => {
    for (const app of apps) if (app.child.exitCode === null) app.child.kill('SIGKILL');
    await Promise.all(apps.map((a) => a.exited));
    for (const cleanup of cleanups) cleanup();
  });

  /** Starts the app with these settings, asks for the guidelines, and returns its stdout once the request is logged. */
  async function stdoutAfterRequest(env: Record<string, string>): Promise<string> {
    // a database each: an embedded one belongs to one process
    const db = databaseEnv();
    cleanups.push(db.cleanup);
    const app = await spawnApp({ ...db.env, LOG_LEVEL: 'info', ...env });
    apps.push(app);
    let out = '';
    app.child.stdout?.on('data', (d) => (out += d));
    await waitForHealth(app);
    expect((await fetch(`${app.url}/api/guidelines?from=test`)).status).toBe(200);
    // the line is written when the answer is finished: wait for it rather than for a while
    await waitFor(() => out.includes('GET /api/guidelines 200'), 15_000, 'the request line').catch((e: Error) => {
      throw new Error(`${e.message}:\n${app.output()}`);
    });
    return out;
  }

  it('prints JSON lines without response headers when stdout is not a terminal', async () => {
    const out = await stdoutAfterRequest({});
    const lines = out.split('\n').filter((l) => l.trim());
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const request = entries.find((e) => (e.req as { url?: string } | undefined)?.url === '/api/guidelines');
    expect(request).toMatchObject({ level: 30, msg: 'GET /api/guidelines 200', req: { method: 'GET', url: '/api/guidelines' }, res: { statusCode: 200 } });
    expect(typeof request?.responseTime).toBe('number');
    expect(Object.keys(request?.res as object)).toEqual(['statusCode']);
    expect(out).not.toMatch(/content-security-policy|x-powered-by|content-type|set-cookie/i);
    expect(entries.some((e) => String(e.msg).startsWith('Setback is listening on'))).toBe(true);
  });

  it('prints short human lines with LOG_FORMAT=pretty', async () => {
    const out = await stdoutAfterRequest({ LOG_FORMAT: 'pretty' });
    expect(out).toMatch(/^\d\d:\d\d:\d\d INFO {2}GET \/api\/guidelines 200 \d+(\.\d+)? ms$/m);
    expect(out).toMatch(/^\d\d:\d\d:\d\d INFO {2}\[Setback\] Setback is listening on /m);
    expect(out).not.toMatch(/^\{/m);
    // Nest's line per module and route is for LOG_LEVEL=debug, not a newcomer's terminal
    expect(out).not.toMatch(/InstanceLoader|RouterExplorer/);
  });
});
