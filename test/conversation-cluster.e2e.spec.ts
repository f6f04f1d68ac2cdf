import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { registerMember, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';
import { clusterEnv, requireServices } from './support/services.js';
import { connect, emitAck, record, Received, waitFor, withId } from './support/sockets.js';

// Live reactions and typing counts across two instances sharing PostgreSQL and Redis (typers are kept in Redis).
const ready = await requireServices('conversation across two instances', { redis: true, postgres: true });

(ready ? describe : describe.skip)('conversation across two instances', () => {
  let a: TestApp;
  let b: TestApp;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    const env = clusterEnv();
    a = await startApp(env);
    b = await startApp(env);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await a?.close();
    await b?.close();
  });
  const reader = async (t: TestApp, cookie: string, threadId: string) => {
    const s = await connect(t, cookie);
    sockets.push(s);
    const log = record(s);
    expect(await emitAck(s, 'thread.join', { threadId })).toMatchObject({ ok: true });
    return { s, log };
  };
  const of = (log: Received[], event: string) => log.filter((r) => r.event === event).map((r) => r.payload as Record<string, unknown>);

  it('counts a typer on A for a reader on B but not for themself, and drops them when their reply is posted on A', async () => {
    const ann = await registerMember(a);
    const bob = await registerMember(a);
    const story = await createStory(a, ann);
    const onB = await reader(b, ann.cookie, story.id);
    const onA = await reader(a, bob.cookie, story.id);
    expect(await emitAck(onA.s, 'typing', { threadId: story.id })).toEqual({ ok: true });
    await waitFor(() => of(onB.log, 'typing').length > 0 && of(onA.log, 'typing').length > 0, 5000, 'the typing counts');
    expect(of(onB.log, 'typing').map((p) => p.count)).toEqual([1]);
    expect(of(onA.log, 'typing').map((p) => p.count)).toEqual([0]);

    const res = await a.http().post(`/api/threads/${story.id}/replies`).set('Cookie', bob.cookie).send({ body: 'Me too.', clientKey: randomUUID() });
    expect(res.status).toBe(201);
    await waitFor(() => onB.log.some(withId('reply.created', res.body.id)), 5000, 'the reply on B');
    await waitFor(() => of(onB.log.slice(onB.log.findIndex(withId('reply.created', res.body.id))), 'typing').length > 0, 6000, 'the count after the reply');
    expect(of(onB.log.slice(onB.log.findIndex(withId('reply.created', res.body.id))), 'typing')[0]).toEqual({ threadId: story.id, count: 0 });
  });

  it('sends reaction.updated from a reaction on A to a reader on B', async () => {
    const ann = await registerMember(a);
    const cat = await registerMember(a);
    const story = await createStory(a, ann);
    const reply = await createReply(a, ann, story.id);
    const onB = await reader(b, ann.cookie, story.id);
    expect((await a.http().put(`/api/replies/${reply.id}/reactions/helped`).set('Cookie', cat.cookie)).status).toBe(200);
    await waitFor(() => of(onB.log, 'reaction.updated').length > 0, 5000, 'the reaction on B');
    expect(of(onB.log, 'reaction.updated')).toEqual([{ targetType: 'reply', targetId: reply.id, threadId: story.id, reactions: { relate: 0, thanks: 0, helped: 1 } }]);
  });
});
