import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { Member, registerMember, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';
import { collect, connect, emitAck, waitFor } from './support/sockets.js';

/**
 * Blocking must never tell who wrote an anonymous post. Carol (an attacker) blocks members one by one and watches
 * whether alice's anonymous story and replies change for her on any path: story read, lists, search, replies page,
 * socket join with `after`/`since`, live pushes, reactions, notifications. The same snapshot is taken before and
 * after carol blocks alice (the real author) and must come out identical; a block of alice's *named* posts still
 * works (checked at the end, so the test cannot pass by blocks doing nothing).
 */
describe('blocking is no oracle for anonymous authors', () => {
  let t: TestApp;
  let alice: Member;
  let bob: Member;
  let carol: Member;
  let sockets: Socket[] = [];
  const word = `quokka${randomUUID().slice(0, 8)}`;
  let anonStory: { id: string };
  let bobStory: { id: string };
  let carolStory: { id: string };
  let anonReply: { id: string };
  let namedReply: { id: string };

  beforeAll(async () => {
    t = await startApp();
    [alice, bob, carol] = [await registerMember(t), await registerMember(t), await registerMember(t)];
    anonStory = await createStory(t, alice, { anonymous: true, title: `Anonymous ${word}`, happened: `The ${word} night I lost the shop.` });
    bobStory = await createStory(t, bob, { title: `Named ${word}` });
    carolStory = await createStory(t, carol, { anonymous: true, title: 'Carol asks' });
    anonReply = await createReply(t, alice, bobStory.id, { anonymous: true, body: `Anonymously: me too, @${carol.username}.` });
    namedReply = await createReply(t, alice, bobStory.id, { body: 'Named: hang in there.' });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  const get = async (path: string) => {
    const res = await t.http().get(path).set('Cookie', carol.cookie);
    return { status: res.status, body: res.body };
  };
  const open = async (m: Member): Promise<Socket> => {
    const s = await connect(t, m.cookie);
    sockets.push(s);
    return s;
  };

  /** This test's stories as the front page lists them (other test files share the database in CI: walk every page). */
  async function ourStoriesInList(): Promise<unknown[]> {
    const ours = new Map<string, unknown>();
    let cursor: string | null = null;
    do {
      const page = await get(`/api/threads?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      for (const item of page.body.items as { id: string }[]) if ([anonStory.id, bobStory.id, carolStory.id].includes(item.id)) ours.set(item.id, item);
      cursor = page.body.nextCursor;
    } while (cursor);
    return [anonStory.id, bobStory.id, carolStory.id].map((id) => ours.get(id) ?? null);
  }

  /** Everything carol can observe of alice's anonymous posts (reads only, so two snapshots compare exactly). */
  async function snapshot(since: string) {
    const socket = await open(carol);
    const joins: { missed: { id: string }[]; changed: { id: string }[]; [k: string]: unknown }[] = [];
    for (const id of [anonStory.id, bobStory.id]) {
      // the reader holds everything up to alice's anonymous reply: later ones are `missed`, edited earlier ones `changed`
      const ack = await emitAck(socket, 'thread.join', { threadId: id, after: anonReply.id, since });
      // `viewers` counts sockets in the room, which this test opens and closes: not an author signal
      joins.push({ ...ack, viewers: undefined, missed: ack.missed as { id: string }[], changed: ack.changed as { id: string }[] });
    }
    socket.close();
    const reactOnStory = await t.http().put(`/api/threads/${anonStory.id}/reactions/relate`).set('Cookie', carol.cookie);
    const reactOnReply = await t.http().put(`/api/replies/${anonReply.id}/reactions/thanks`).set('Cookie', carol.cookie);
    await t.http().delete(`/api/threads/${anonStory.id}/reactions/relate`).set('Cookie', carol.cookie);
    await t.http().delete(`/api/replies/${anonReply.id}/reactions/thanks`).set('Cookie', carol.cookie);
    const replies = await get(`/api/threads/${bobStory.id}/replies`);
    return {
      story: await get(`/api/threads/${anonStory.id}`),
      list: await ourStoriesInList(),
      search: await get(`/api/threads?q=${word}`),
      anonReplies: await get(`/api/threads/${anonStory.id}/replies`),
      // alice's named reply is the one thing a block may change; it is checked on its own below
      bobReplies: { ...replies, body: { ...replies.body, items: replies.body.items.filter((r: { id: string }) => r.id !== namedReply.id) } },
      joins: joins.map((j) => ({ ...j, missed: j.missed.filter((r) => r.id !== namedReply.id), changed: j.changed.filter((r) => r.id !== namedReply.id) })),
      reactions: [reactOnStory.status, reactOnStory.body, reactOnReply.status, reactOnReply.body],
    };
  }

  /** What reaches carol live and as notifications when alice writes anonymously (to bob's story and carol's). */
  async function liveAndNotifications(label: string) {
    const socket = await open(carol);
    await emitAck(socket, 'thread.join', { threadId: bobStory.id });
    const created = collect<{ id: string; author: unknown; bodyHtml?: string; blocked?: boolean }>(socket, 'reply.created');
    const notified = collect<{ kind: string; threadId: string; text: string }>(socket, 'notification');
    const inBob = await createReply(t, alice, bobStory.id, { anonymous: true, body: `${label}: @${carol.username} I know this feeling.` });
    const inCarol = await createReply(t, alice, carolStory.id, { anonymous: true, body: `${label}: thinking of you.` });
    await waitFor(() => created.some((r) => r.id === inBob.id), 15_000, 'the live anonymous reply');
    await waitFor(() => notified.filter((n) => n.threadId === bobStory.id || n.threadId === carolStory.id).length >= 2, 15_000, 'the mention and the reply notification');
    socket.close();
    const push = created.find((r) => r.id === inBob.id);
    const stored = (await get('/api/notifications')).body.items;
    return {
      push: { author: push?.author, blocked: push?.blocked ?? false, hasBody: typeof push?.bodyHtml === 'string' },
      live: notified.map((n) => n.kind).sort(),
      kinds: stored.map((n: { kind: string; threadId: string }) => `${n.kind}:${n.threadId === bobStory.id ? 'bob' : n.threadId === carolStory.id ? 'carol' : 'other'}`).sort(),
    };
  }

  it('shows carol exactly the same before and after she blocks the anonymous author', async () => {
    const liveBefore = await liveAndNotifications('before');
    expect(liveBefore.push.hasBody).toBe(true);
    expect(liveBefore.live).toEqual(['mention', 'reply']);

    const since = new Date().toISOString();
    // an edit after `since`, so the catch-up's `changed` list has alice's anonymous reply in it
    expect((await t.http().patch(`/api/replies/${anonReply.id}`).set('Cookie', alice.cookie).send({ body: `Anonymously, edited: me too, @${carol.username}.` })).status).toBe(200);
    const before = await snapshot(since);
    expect(before.story.status).toBe(200);
    expect(before.list[0]).toMatchObject({ id: anonStory.id });
    expect(before.search.body.items.map((i: { id: string }) => i.id)).toContain(anonStory.id);
    expect(before.joins[1].changed).toEqual([expect.objectContaining({ id: anonReply.id, bodyHtml: expect.stringContaining('edited') })]);
    expect(before.joins[1].missed.length).toBeGreaterThan(0);

    // a block of someone else first (the attacker's control group), then of the real author
    expect((await t.http().put(`/api/users/${bob.username}/block`).set('Cookie', carol.cookie)).status).toBe(200);
    expect((await t.http().delete(`/api/users/${bob.username}/block`).set('Cookie', carol.cookie)).status).toBe(200);
    expect((await t.http().put(`/api/users/${alice.username}/block`).set('Cookie', carol.cookie)).status).toBe(200);

    const after = await snapshot(since);
    expect(after).toEqual(before);
    const liveAfter = await liveAndNotifications('after');
    expect(liveAfter.push).toEqual(liveBefore.push);
    expect(liveAfter.live).toEqual(liveBefore.live);
    // every notification of "before" is still there, and "after" brought the same ones again
    // (the first mention is from the anonymous reply written before the test)
    expect(liveBefore.kinds).toEqual(['mention:bob', 'mention:bob', 'reply:carol']);
    // (replies to carol's story are one notification while it is unread: "after" joined the group "before" opened,
    // blocked or not)
    expect(liveAfter.kinds).toEqual(['mention:bob', 'mention:bob', 'mention:bob', 'reply:carol']);
    const group = (await get('/api/notifications')).body.items.find((n: { kind: string; threadId: string }) => n.kind === 'reply' && n.threadId === carolStory.id);
    expect(group).toMatchObject({ count: 2, actorCount: 1 });

    // what a block is for still works: alice's named reply is hidden from carol, and alice cannot answer carol's named story
    const bobReplies = await get(`/api/threads/${bobStory.id}/replies`);
    expect(bobReplies.body.items.find((r: { id: string }) => r.id === namedReply.id)).toEqual({ id: namedReply.id, threadId: bobStory.id, deleted: false, blocked: true });
    const carolNamed = await createStory(t, carol, { title: 'Carol, named' });
    const refused = await t.http().post(`/api/threads/${carolNamed.id}/replies`).set('Cookie', alice.cookie).send({ body: 'hello', anonymous: true });
    expect(refused.status).toBe(403);
  });
});
