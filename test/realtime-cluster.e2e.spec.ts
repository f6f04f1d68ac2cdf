import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import { registerMember, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';
import { clusterEnv, requireServices } from './support/services.js';
import { collect, connect, emitAck, waitFor } from './support/sockets.js';

// Two app instances sharing PostgreSQL and Redis, as behind a load balancer.
const ready = await requireServices('realtime across two instances', { redis: true, postgres: true });

(ready ? describe : describe.skip)('realtime across two instances', () => {
  let a: TestApp;
  let b: TestApp;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // a prefix of its own, so parallel runs sharing this Redis never hear each other
    const env = clusterEnv();
    a = await startApp(env);
    b = await startApp(env);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await a?.close();
    await b?.close();
  });

  const readyCheck = async (t: TestApp) => {
    const res = await t.http().get('/api/health/ready');
    return res.body.status === 'ok';
  };

  it('reports Redis in readiness', async () => {
    const until = Date.now() + 5000;
    while (!(await readyCheck(a)) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect((await a.http().get('/api/health/ready')).body).toEqual({ status: 'ok', database: 'ok', redis: 'ok' });
  });

  it('delivers a reply posted on A to a reader on B, and a logout on A ends the socket on B', async () => {
    const author = await registerMember(a);
    const reader = await registerMember(a);
    const story = await createStory(a, author);
    const onB = await connect(b, reader.cookie);
    sockets.push(onB);
    const created = collect<{ id: string }>(onB, 'reply.created');
    const ended = collect<{ reason: string }>(onB, 'session.ended');
    expect(await emitAck(onB, 'thread.join', { threadId: story.id })).toMatchObject({ ok: true });
    const reply = await createReply(a, author, story.id);
    await waitFor(() => created.length === 1, 3000, 'cross-instance delivery');
    expect(created[0].id).toBe(reply.id);

    const gone = new Promise((r) => onB.once('disconnect', r));
    await a.http().post('/api/auth/logout').set('Cookie', reader.cookie);
    await gone;
    expect(ended).toEqual([{ reason: 'signed-out' }]);
  });

  it('counts readers on both instances', async () => {
    const author = await registerMember(a);
    const r1 = await registerMember(a);
    const story = await createStory(a, author);
    const s1 = await connect(a, author.cookie);
    const s2 = await connect(b, r1.cookie);
    sockets.push(s1, s2);
    await emitAck(s1, 'thread.join', { threadId: story.id });
    const ack = await emitAck(s2, 'thread.join', { threadId: story.id });
    expect(ack.viewers).toBe(2);
  });
});
