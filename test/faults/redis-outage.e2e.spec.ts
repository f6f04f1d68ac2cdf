import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Logger } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { registerMember, startApp, TestApp } from '../support/app.js';
import { freshCookie, insertUser } from '../security/helpers.js';
import { createStory } from '../support/factories.js';
import { REDIS_URL, requireServices } from '../support/services.js';
import { collect, connect, emitAck, sleep, waitFor } from '../support/sockets.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { RedisLink } from '../../src/redis/redis-link.js';

// The app reaches Redis through a proxy the test cuts and heals; the machine's Redis itself is never touched.
// Losing Redis must cost only the fan-out across instances: this instance keeps serving REST and its own
// sockets, and /api/health/ready says "degraded" until Redis is back.
const ready = await requireServices('Redis outage', { redis: true });

/** A REST call while Redis is down must not wait on it (the app's own Redis timeouts are about 2 s). */
const PROMPT_MS = 2500;

(ready ? describe : describe.skip)('Redis unreachable', () => {
  const target = new URL(REDIS_URL);
  const times: string[] = [];
  const apps: TestApp[] = [];
  const proxies: TcpProxy[] = [];
  const sockets: Socket[] = [];

  afterAll(async () => {
    console.log(`[faults] Redis:\n  ${times.join('\n  ')}`);
    for (const s of sockets) s.close();
    for (const p of proxies) await p.restore().catch(() => undefined);
    for (const a of apps) await a.close().catch((e: unknown) => console.warn(`closing an app failed: ${String(e)}`));
    for (const p of proxies) await p.stop();
  });

  async function start(cutFirst: boolean): Promise<{ t: TestApp; proxy: TcpProxy; startMs: number }> {
    const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 6379) });
    proxies.push(proxy);
    if (cutFirst) await proxy.cut('refuse');
    const started = Date.now();
    const t = await startApp({
      REDIS_URL: proxy.rewrite(REDIS_URL),
      REDIS_PREFIX: `setback-faults-${randomBytes(4).toString('hex')}:`,
      APP_SECRET: randomBytes(32).toString('hex'),
      OVERLOAD_LAG_MS: '0',
    });
    apps.push(t);
    return { t, proxy, startMs: Date.now() - started };
  }

  async function readiness(t: TestApp): Promise<string> {
    const res = await t.http().get('/api/health/ready').timeout(10_000);
    return `${res.status} ${res.body.status}`;
  }

  async function until(t: TestApp, wanted: string, timeoutMs: number): Promise<number> {
    const started = Date.now();
    let last = '';
    while (Date.now() - started < timeoutMs) {
      last = await readiness(t);
      if (last === wanted) return Date.now() - started;
      await sleep(100);
    }
    throw new Error(`readiness stayed "${last}" for ${timeoutMs} ms, never "${wanted}"`);
  }

  /** A request timed, failing the test if it is slow. */
  async function prompt<T extends { status: number }>(what: string, run: () => Promise<T>, slow: string[]): Promise<T> {
    const started = Date.now();
    const res = await run();
    const ms = Date.now() - started;
    if (ms > PROMPT_MS) slow.push(`${what} took ${ms} ms`);
    return res;
  }

  it('lost mid-run: REST and this instance’s sockets keep working, readiness says degraded, then ok again', async () => {
    const { t, proxy } = await start(false);
    await until(t, '200 ok', 10_000);
    const author = await registerMember(t);
    const reader = await registerMember(t);
    const story = await createStory(t, author);
    const socket = await connect(t, reader.cookie);
    sockets.push(socket);
    const live = collect<{ id: string }>(socket, 'reply.created');
    expect(await emitAck(socket, 'thread.join', { threadId: story.id })).toMatchObject({ ok: true });

    await proxy.cut('refuse');
    const degradedMs = await until(t, '200 degraded', 10_000);

    // everything at once, each timed: none of it needs Redis
    const slow: string[] = [];
    const [list, reply, newcomer, login, second] = await Promise.all([
      prompt('GET /api/threads', () => t.http().get('/api/threads').set('Cookie', reader.cookie).timeout(15_000), slow),
      prompt('POST a reply', () => t.http().post(`/api/threads/${story.id}/replies`).set('Cookie', author.cookie).timeout(15_000).send({ body: 'said while Redis is away', clientKey: randomUUID() }), slow),
      prompt('POST /api/auth/register', () => t.http().post('/api/auth/register').timeout(15_000).send({ username: `redis_${randomBytes(4).toString('hex')}`, password: 'long enough', acceptGuidelines: true, confirmAge: true }), slow),
      prompt('POST /api/auth/login', () => t.http().post('/api/auth/login').timeout(15_000).send({ username: author.username, password: author.password }), slow),
      prompt('a socket connection', () => connect(t, author.cookie).then((x) => Object.assign(x, { status: 101 })), slow),
    ]);
    sockets.push(second);
    expect([list.status, reply.status, newcomer.status, login.status]).toEqual([200, 201, 201, 200]);
    await waitFor(() => live.some((r) => r.id === reply.body.id), 5000, 'the reply, live, on this instance');
    const join = await prompt('thread.join on a new socket', () => emitAck(second, 'thread.join', { threadId: story.id }, 15_000).then((a) => ({ ...a, status: 200 })), slow);
    expect(join).toMatchObject({ ok: true });
    const typing = await prompt('typing', () => emitAck(second, 'typing', { threadId: story.id }, 15_000).then((a) => ({ ...a, status: 200 })), slow);
    expect(typing).toMatchObject({ ok: true });

    await proxy.restore();
    const restoredMs = await until(t, '200 ok', 15_000);
    const after = await t.http().post(`/api/threads/${story.id}/replies`).set('Cookie', author.cookie).send({ body: 'and after it came back', clientKey: randomUUID() });
    expect(after.status).toBe(201);
    await waitFor(() => live.some((r) => r.id === after.body.id), 5000, 'live delivery after Redis returned');
    times.push(`lost mid-run: "degraded" ${degradedMs} ms after the cut; during it ${slow.join(', ') || 'every call took under 2.5 s'}; "ok" ${restoredMs} ms after Redis returned`);
    expect(slow).toEqual([]);
  }, 90_000);

  it('unreachable at start: the app starts, serves, says degraded, and turns ok when Redis appears', async () => {
    const { t, proxy, startMs } = await start(true);
    expect(await readiness(t)).toBe('200 degraded');
    // a member and a story made directly, so that what is timed below is only what runs without Redis
    const m = await insertUser(t, 'redis');
    const cookie = await freshCookie(t, m.id);
    const [{ id: storyId }]: { id: string }[] = await t.db.dataSource.query(
      `INSERT INTO threads (author_id, category, title, happened_md, happened_html, excerpt) VALUES ($1, 'work', 'Written without Redis', 'x', '<p>x</p>', 'x') RETURNING id`,
      [m.id],
    );
    const slow: string[] = [];
    const socket = await prompt('a socket connection', () => connect(t, cookie).then((s) => Object.assign(s, { status: 101 })), slow);
    sockets.push(socket);
    const live = collect<{ id: string }>(socket, 'reply.created');
    const join = await prompt('thread.join', () => emitAck(socket, 'thread.join', { threadId: storyId }, 15_000).then((a) => ({ ...a, status: 200 })), slow);
    expect(join).toMatchObject({ ok: true });
    const [registered, story, reply] = await Promise.all([
      prompt('POST /api/auth/register', () => t.http().post('/api/auth/register').timeout(15_000).send({ username: `redis_${randomBytes(4).toString('hex')}`, password: 'long enough', acceptGuidelines: true, confirmAge: true }), slow),
      prompt('POST /api/threads', () => t.http().post('/api/threads').set('Cookie', cookie).timeout(15_000).send({ title: 'Also written without Redis', category: 'work', happened: 'Redis was not there when I started.' }), slow),
      prompt('POST a reply', () => t.http().post(`/api/threads/${storyId}/replies`).set('Cookie', cookie).timeout(15_000).send({ body: 'hello' }), slow),
    ]);
    expect([registered.status, story.status, reply.status]).toEqual([201, 201, 201]);
    await waitFor(() => live.length === 1, 5000, 'live delivery without Redis');

    await proxy.restore();
    const restoredMs = await until(t, '200 ok', 15_000);
    times.push(`unreachable at start: started in ${startMs} ms; ${slow.join(', ') || 'every call took under 2.5 s'}; "ok" ${restoredMs} ms after Redis appeared`);
    expect(slow).toEqual([]);
  }, 90_000);
});

// Redis errors are told once per outage: while Redis is away both clients retry every few hundred ms, and each
// failed attempt is an error event; the log gets one warning when the link is lost and one line when it is back.
(ready ? describe : describe.skip)('RedisLink logging', () => {
  it('logs one warning per outage and one line when Redis is back, however many reconnects fail', async () => {
    const target = new URL(REDIS_URL);
    const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 6379) });
    const link = new RedisLink();
    const lines: string[] = [];
    const logger = (link as unknown as { log: Logger }).log;
    jest.spyOn(logger, 'warn').mockImplementation((m: unknown) => void lines.push(`warn: ${String(m)}`));
    jest.spyOn(logger, 'log').mockImplementation((m: unknown) => void lines.push(`log: ${String(m)}`));
    let errors = 0;
    try {
      link.connect(proxy.rewrite(REDIS_URL));
      for (const c of [link.pub!, link.sub!]) c.on('error', () => errors++);
      await waitFor(() => link.ready, 10_000, 'Redis through the proxy');
      expect(lines).toEqual([]);
      const expected: unknown[] = [];
      for (const outage of [1, 2]) {
        await proxy.cut('refuse');
        // barrier: at least three failed reconnects of each client, each an error event, have happened
        const seen = errors;
        await waitFor(() => errors >= seen + 6, 15_000, `failed reconnects in outage ${outage}`);
        expected.push(expect.stringMatching(/^warn: Redis unavailable/));
        expect(lines).toEqual(expected);
        await proxy.restore();
        await waitFor(() => link.ready, 15_000, `Redis back after outage ${outage}`);
        expected.push(expect.stringMatching(/^log: Redis is back/));
        expect(lines).toEqual(expected);
      }
      console.log(`[faults] Redis logging: ${errors} client errors over two outages made ${lines.length} log lines`);
    } finally {
      await link.close();
      await proxy.stop();
    }
  }, 60_000);
});
