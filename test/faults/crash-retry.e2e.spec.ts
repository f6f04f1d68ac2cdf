import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { registerMember, startApp, TestApp } from '../support/app.js';
import { createStory } from '../support/factories.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { databaseEnv, postJson, requireBuild, signUp, spawnApp, Spawned, waitForHealth, within } from './spawn.js';

interface Outcome {
  key: string;
  /** what the client saw before the crash: a status, or the network error */
  seen: string;
  id?: string;
}

/** Sends one reply; resolves with whatever came back before the process died. */
function fire(url: string, path: string, cookie: string, key: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const u = new URL(path, url);
    const data = Buffer.from(JSON.stringify({ body: `crash ${key}`, clientKey: key }));
    const req = httpRequest({ hostname: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': data.length, Cookie: cookie } });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ key, seen: String(res.statusCode), id: res.statusCode === 201 ? (JSON.parse(text) as { id: string }).id : undefined }));
      res.on('error', (e) => resolve({ key, seen: e.message }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ key, seen: e.code ?? e.message }));
    req.end(data);
  });
}

// The server dies (SIGKILL) while replies are on their way; the client cannot know whether each was stored, so
// it retries with the same clientKey once the server is back. Exactly one reply per key must exist.
describe('a reply retried after the server died mid-request', () => {
  const db = databaseEnv();
  const notes: string[] = [];
  let app: Spawned | null = null;

  beforeAll(() => requireBuild());
  afterAll(() => {
    console.log(`[faults] crash and retry (${db.where}):\n  ${notes.join('\n  ')}`);
    if (app && app.child.exitCode === null) app.child.kill('SIGKILL');
    db.cleanup();
  });

  it('creates exactly one reply per clientKey, whatever the moment of the crash, and keeps every acknowledged one', async () => {
    app = await spawnApp(db.env);
    await waitForHealth(app);
    const member = await signUp(app.url);
    const story = await postJson(app.url, '/api/threads', member.cookie, { title: 'A story that survives crashes', category: 'work', happened: 'The server fell over while people were answering.' });
    expect(story.status).toBe(201);
    const path = `/api/threads/${story.body.id}/replies`;
    const all: Outcome[] = [];

    for (const round of [1, 2]) {
      // a stream of replies, one every few ms; the process is killed outright once a few have been answered,
      // so some were acknowledged, some were in the middle of their transaction, some had not arrived
      const running = app;
      const sent: Promise<Outcome>[] = [];
      let acked = 0;
      const stream = setInterval(() => {
        if (sent.length >= 60) return;
        sent.push(fire(running.url, path, member.cookie, randomUUID()).then((o) => (o.seen === '201' && acked++, o)));
      }, 3);
      const started = Date.now();
      while (acked < (round === 1 ? 1 : 4) && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 1));
      running.child.kill('SIGKILL');
      clearInterval(stream);
      await running.exited;
      const outcomes = await Promise.all(sent);
      all.push(...outcomes);

      // back on the same database, the client retries every reply, sure or not
      app = await spawnApp(db.env);
      const restartMs = await waitForHealth(app);
      const retried: Record<string, number> = {};
      for (const o of outcomes) {
        const res = await postJson(app.url, path, member.cookie, { body: `crash ${o.key}`, clientKey: o.key });
        retried[res.status] = (retried[res.status] ?? 0) + 1;
        expect([200, 201]).toContain(res.status);
        // an acknowledged reply survived the crash: the retry finds that very reply
        if (o.id) expect([res.status, res.body.id]).toEqual([200, o.id]);
      }
      const seen: Record<string, number> = {};
      for (const o of outcomes) seen[o.seen] = (seen[o.seen] ?? 0) + 1;
      notes.push(`round ${round}: ${outcomes.length} replies sent, killed after ${acked} acknowledgements; the client saw ${JSON.stringify(seen)}; ` +
        `restarted in ${restartMs} ms; retries answered ${JSON.stringify(retried)} (200 = it was already stored)`);
    }

    const res = await fetch(`${app.url}${path}?limit=50`, { headers: { Cookie: member.cookie } });
    let items = ((await res.json()) as { items: { id: string; body?: string }[]; nextCursor: string | null } ).items;
    let cursor = items.length ? items[items.length - 1].id : null;
    while (cursor) {
      const next = (await (await fetch(`${app.url}${path}?limit=50&after=${cursor}`, { headers: { Cookie: member.cookie } })).json()) as { items: { id: string; body?: string }[]; nextCursor: string | null };
      items = items.concat(next.items);
      cursor = next.nextCursor;
    }
    const counts = all.map((o) => items.filter((r) => r.body === `crash ${o.key}`).length);
    expect(counts.filter((n) => n !== 1)).toEqual([]);
    expect(items).toHaveLength(all.length);
    app.child.kill('SIGTERM');
    await within(app.exited, 15_000, { code: null, signal: null, at: -1 });
  }, 180_000);
});

// The one case a crash can only sometimes produce, forced: the reply is committed, and the answer is lost on
// its way back (the proxy in front of the app resets the connection at the answer's first byte).
describe('a reply whose answer was lost after it was committed', () => {
  let t: TestApp | null = null;
  let proxy: TcpProxy | null = null;
  afterAll(async () => {
    await proxy?.stop();
    await t?.close();
  });

  it('is stored while the client saw only a socket error, and its retry with the same clientKey makes no second one', async () => {
    t = await startApp();
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(t.url).port) });
    const through = `http://${proxy.host}:${proxy.port}`;
    const member = await registerMember(t);
    const story = await createStory(t, member);
    const path = `/api/threads/${story.id}/replies`;
    const key = randomUUID();
    const stored = (): Promise<{ id: string }[]> => t!.db.dataSource.query('SELECT id::text AS id FROM replies WHERE thread_id = $1 AND client_key = $2', [story.id, key]);

    const cut = proxy.cutAtFirstAnswer();
    const first = await fire(through, path, member.cookie, key);
    await cut;
    // it happened: no status reached the client, only a network error, and yet the reply is in the database
    expect(first.seen).toMatch(/^(ECONNRESET|EPIPE|socket hang up)$/);
    expect(first.id).toBeUndefined();
    const rows = await stored();
    expect(rows).toHaveLength(1);

    // the client retries, as it must when it cannot know: the first reply comes back, and it is the only one
    const retry = await postJson(through, path, member.cookie, { body: `crash ${key}`, clientKey: key });
    expect([retry.status, retry.body.id]).toEqual([200, rows[0].id]);
    expect(await stored()).toEqual(rows);
  });
});
