import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { connect, emitAck } from '../support/sockets.js';
import { databaseEnv, freePort, postJson, refusesConnections, requireBuild, signUp, slowRequest, spawnApp, Spawned, waitForHealth, within } from './spawn.js';

// SIGTERM, as a container orchestrator sends it: refuse new connections, finish what is in flight (and push it live),
// then close the sockets, and exit 0 well within 10 s (after which the app's own guard exits 1).
describe('SIGTERM', () => {
  const db = databaseEnv();
  const times: string[] = [];
  let app: Spawned | null = null;

  beforeAll(() => requireBuild());
  afterAll(() => {
    console.log(`[faults] SIGTERM (${db.where}):\n  ${times.join('\n  ')}`);
    if (app && app.child.exitCode === null) app.child.kill('SIGKILL');
    db.cleanup();
  });

  it('finishes the request in flight, refuses new connections, disconnects sockets and exits 0', async () => {
    app = await spawnApp(db.env);
    await waitForHealth(app);
    const member = await signUp(app.url);
    const story = await postJson(app.url, '/api/threads', member.cookie, { title: 'Written before the stop', category: 'work', happened: 'Something happened just before the restart.' });
    expect(story.status).toBe(201);
    const socket = await connect(app.url, member.cookie);
    expect(await emitAck(socket, 'thread.join', { threadId: story.body.id })).toMatchObject({ ok: true });
    const disconnected = new Promise<number>((resolve) => socket.once('disconnect', () => resolve(Date.now())));
    const pushed: string[] = [];
    socket.on('reply.created', (r: { id: string }) => pushed.push(r.id));

    // a slow client: half its reply is on the server when the signal comes
    const key = randomUUID();
    const inFlight = slowRequest(app.url, `/api/threads/${story.body.id}/replies`, member.cookie, { body: 'I was sent across the restart.', clientKey: key }, { keepAlive: true });
    await new Promise((r) => setTimeout(r, 300));
    const signalled = Date.now();
    app.child.kill('SIGTERM');

    // new connections are refused soon after
    let refusedAfter: number | null = null;
    while (Date.now() - signalled < 5000) {
      if (await refusesConnections(app.url)) {
        refusedAfter = Date.now() - signalled;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }

    // the slow client finishes: its request must still be served, and its live push go out before the sockets close
    inFlight.finish();
    const answer = await inFlight.response;
    const answeredAt = Date.now();
    const goneAt = await within(disconnected, 5000, -1);
    const socketGoneAfter = goneAt < 0 ? -1 : goneAt - signalled;
    const { code, at } = await within(app.exited, 15_000, { code: null, signal: null, at: -1 });
    times.push(
      `new connections refused ${refusedAfter ?? 'never'} ms after SIGTERM; socket closed after ${socketGoneAfter} ms; ` +
        `in-flight request answered after ${answeredAt - signalled} ms ${JSON.stringify(answer).slice(0, 60)}; exited ${code} after ${at > 0 ? at - signalled : 'more than 15000'} ms`,
    );
    socket.close();

    expect(refusedAfter).not.toBeNull();
    expect(socketGoneAfter).toBeGreaterThanOrEqual(0);
    expect(answer).toMatchObject({ status: 201 });
    // the slow client asked for keep-alive: its open connection must not hold the exit back until it times out
    expect(at - answeredAt).toBeLessThan(2000);
    expect(code).toBe(0);
    expect(at - signalled).toBeLessThan(10_000);

    // and the reply it acknowledged is there after a restart on the same database
    app = await spawnApp(db.env);
    await waitForHealth(app);
    const replies = (await (await fetch(`${app.url}/api/threads/${story.body.id}/replies`, { headers: { Cookie: member.cookie } })).json()) as { items: { id: string }[] };
    expect(replies.items.map((r) => r.id)).toEqual([JSON.parse((answer as { body: string }).body).id]);
    // the reader heard it live before its socket was closed (the disconnect is the barrier)
    expect(pushed).toEqual(replies.items.map((r) => r.id));
    app.child.kill('SIGTERM');
    expect((await app.exited).code).toBe(0);
  }, 120_000);

  it('exits 0 promptly even when Redis is unreachable at shutdown', async () => {
    const port = await freePort(); // nothing listens here: Redis is "down" for this app's whole life
    const down = await spawnApp({ ...db.env, REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PREFIX: `setback-sigterm-${randomUUID().slice(0, 8)}:` });
    app = down;
    await waitForHealth(down);
    const signalled = Date.now();
    down.child.kill('SIGTERM');
    const { code, at } = await within(down.exited, 15_000, { code: null, signal: null, at: -1 });
    times.push(`with Redis unreachable: exited ${code} after ${at > 0 ? at - signalled : 'more than 15000'} ms`);
    expect(code).toBe(0);
    expect(at - signalled).toBeLessThan(10_000);
  }, 90_000);
});
