import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Member, registerMember, setRole, startApp, TestApp } from '../support/app.js';
import { createReply, createStory } from '../support/factories.js';
import { before, collect, connect, emitAck, record, waitFor, withId } from '../support/sockets.js';
import { AttackTally, expectJsonError, SECURITY_ENV, send, settledSnapshot, snapshot } from './helpers.js';

// Someone else's id in every route that takes one. Alice owns things; Bob tries to reach them; Carol is a
// third member. Each attempt must fail (or touch only Bob's own things) and leave Alice's data exactly as it was.
describe('IDOR: other members’ ids in every id-taking route', () => {
  const tally = new AttackTally('IDOR');
  let t: TestApp;
  let alice: Member;
  let bob: Member;
  let carol: Member;
  let mod: Member;
  let admin: Member;
  const everyone = (): string[] => [alice.id, bob.id, carol.id];

  beforeAll(async () => {
    t = await startApp(SECURITY_ENV);
    [alice, bob, carol, mod, admin] = [await registerMember(t), await registerMember(t), await registerMember(t), await registerMember(t), await registerMember(t)];
    await setRole(t, mod.id, 'moderator');
    await setRole(t, admin.id, 'admin');
  });

  afterAll(async () => {
    tally.print();
    await t?.close();
  });

  /** Runs attempts as Bob (or whoever) and proves nothing of the three members changed. */
  async function unchanged(group: string, attempts: (() => Promise<void>)[]): Promise<void> {
    const before = await settledSnapshot(t, everyone());
    for (const attempt of attempts) {
      await attempt();
      expect(await snapshot(t, everyone())).toBe(before);
      tally.add(group);
    }
  }

  it('drafts: each member has their own key space', async () => {
    const secret = { title: 'Not ready to share', happened: 'only alice knows' };
    expect((await send(t, 'put', '/api/drafts/plan', alice.cookie, { data: secret })).status).toBe(200);
    expect((await send(t, 'put', '/api/drafts/alice-only', alice.cookie, { data: secret })).status).toBe(200);

    await unchanged('drafts', [
      async () => {
        const res = await send(t, 'get', '/api/drafts', bob.cookie);
        expect(res.status).toBe(200);
        expect(JSON.stringify(res.body)).not.toContain('only alice knows');
      },
      async () => expectJsonError(await send(t, 'delete', '/api/drafts/alice-only', bob.cookie), 404, 'NOT_FOUND'),
      async () => expectJsonError(await send(t, 'delete', '/api/drafts/plan', bob.cookie), 404, 'NOT_FOUND'),
      async () => expect(JSON.stringify((await send(t, 'get', '/api/me/export', bob.cookie)).body)).not.toContain('only alice knows'),
    ]);
    // the same key written by Bob is Bob's own draft; Alice's is untouched
    expect((await send(t, 'put', '/api/drafts/plan', bob.cookie, { data: { title: 'bob writes here' } })).status).toBe(200);
    expect((await send(t, 'delete', '/api/drafts/plan', bob.cookie)).status).toBe(204);
    tally.add('drafts', 2);
    const mine = await send(t, 'get', '/api/drafts', alice.cookie);
    expect(mine.body.items.map((d: { key: string; data: unknown }) => [d.key, d.data]).sort()).toEqual([
      ['alice-only', secret],
      ['plan', secret],
    ]);
  });

  it('notifications: nobody reads or marks another member’s', async () => {
    const story = await createStory(t, alice);
    const aliceSocket = await connect(t, alice.cookie);
    const bobSocket = await connect(t, bob.cookie);
    const toAlice = collect<{ id: string }>(aliceSocket, 'notification');
    const toBob = collect<{ id: string }>(bobSocket, 'notification');
    const bobLog = record(bobSocket);
    await createReply(t, carol, story.id);
    await waitFor(() => toAlice.length === 1, 5000, 'alice’s notification');
    const id = toAlice[0].id;
    // barrier: a later notification of bob's own must reach him; alice's must not come before it
    const bobStory = await createStory(t, bob);
    await createReply(t, carol, bobStory.id);
    const earlier = await before(bobLog, (e) => e.event === 'notification' && (e.payload as { threadId: string }).threadId === bobStory.id);
    expect(earlier.filter((e) => e.event === 'notification')).toEqual([]);
    expect(toBob.filter((n) => n.id === id)).toEqual([]);
    // bob's own barrier notification, read, so that what follows starts from nothing unread
    await send(t, 'post', '/api/notifications/read', bob.cookie, { all: true });
    aliceSocket.close();
    bobSocket.close();

    await unchanged('notifications', [
      async () => {
        const res = await send(t, 'get', '/api/notifications', bob.cookie);
        expect(res.status).toBe(200);
        expect(res.body.items.map((n: { id: string }) => n.id)).not.toContain(id);
      },
      async () => expect((await send(t, 'post', '/api/notifications/read', bob.cookie, { ids: [id] })).body).toEqual({ unread: 0 }),
      async () => expect((await send(t, 'post', '/api/notifications/read', bob.cookie, { ids: [id.toUpperCase()] })).status).toBe(200),
      async () => expect((await send(t, 'post', '/api/notifications/read', bob.cookie, { all: true })).status).toBe(200),
      async () => expect((await send(t, 'get', '/api/notifications', bob.cookie).query({ cursor: 'x' })).status).toBe(400),
    ]);
    const listed = await send(t, 'get', '/api/notifications', alice.cookie);
    expect(listed.body.items.find((n: { id: string }) => n.id === id)).toMatchObject({ read: false });
  });

  it('reports: members cannot list, read or resolve them', async () => {
    const story = await createStory(t, alice);
    const filed = await send(t, 'post', '/api/reports', carol.cookie, { targetType: 'thread', targetId: story.id, reason: 'spam', note: 'carol’s private note' });
    expect(filed.status).toBe(201);
    await unchanged('reports', [
      async () => expectJsonError(await send(t, 'get', '/api/mod/reports', bob.cookie), 403, 'FORBIDDEN'),
      async () => expectJsonError(await send(t, 'get', '/api/mod/reports', bob.cookie).query({ status: 'all' }), 403, 'FORBIDDEN'),
      async () => expectJsonError(await send(t, 'post', `/api/mod/reports/${filed.body.id}/resolve`, bob.cookie, { action: 'dismiss' }), 403, 'FORBIDDEN'),
      async () => expectJsonError(await send(t, 'post', `/api/mod/reports/${filed.body.id}/resolve`, carol.cookie, { action: 'remove' }), 403, 'FORBIDDEN'),
      async () => expectJsonError(await send(t, 'get', '/api/mod/log', bob.cookie).query({ target: story.id }), 403, 'FORBIDDEN'),
      async () => expectJsonError(await send(t, 'get', `/api/mod/users/${carol.id}`, bob.cookie), 403, 'FORBIDDEN'),
      async () => expectJsonError(await send(t, 'post', '/api/mod/reveal', bob.cookie, { targetType: 'thread', targetId: story.id, reason: 'curious' }), 403, 'FORBIDDEN'),
    ]);
    const [row] = await t.db.dataSource.query('SELECT status, note FROM reports WHERE id = $1', [filed.body.id]);
    expect(row).toEqual({ status: 'open', note: 'carol’s private note' });
  });

  it('stories and replies: editing or deleting another member’s is 403 and changes nothing', async () => {
    const story = await createStory(t, alice);
    const reply = await createReply(t, alice, story.id);
    await unchanged('stories and replies', [
      async () => expectJsonError(await send(t, 'patch', `/api/threads/${story.id}`, bob.cookie, { title: 'Bob was here, sorry' }), 403, 'FORBIDDEN'),
      async () => expectJsonError(await send(t, 'patch', `/api/threads/${story.id}`, bob.cookie, { happened: 'Bob rewrote the whole story here.' }), 403, 'FORBIDDEN'),
      async () => expectJsonError(await send(t, 'patch', `/api/threads/${story.id}`, bob.cookie, { anonymous: true }), 400, 'VALIDATION_FAILED'),
      async () => expectJsonError(await send(t, 'delete', `/api/threads/${story.id}`, bob.cookie), 403, 'FORBIDDEN'),
      async () => expectJsonError(await send(t, 'post', `/api/threads/${story.id}/pause`, bob.cookie), 403, 'FORBIDDEN'),
      async () => expectJsonError(await send(t, 'patch', `/api/replies/${reply.id}`, bob.cookie, { body: 'Bob’s words now' }), 403, 'FORBIDDEN'),
      async () => expectJsonError(await send(t, 'delete', `/api/replies/${reply.id}`, bob.cookie), 403, 'FORBIDDEN'),
      // a moderator may hide, never rewrite: members' own routes stay the author's
      async () => expectJsonError(await send(t, 'patch', `/api/threads/${story.id}`, mod.cookie, { title: 'A moderator’s title' }), 403, 'FORBIDDEN'),
      async () => expectJsonError(await send(t, 'delete', `/api/replies/${reply.id}`, admin.cookie), 403, 'FORBIDDEN'),
      async () => expect((await send(t, 'get', `/api/threads/${story.id}`, bob.cookie)).body.happened).toBeUndefined(),
      async () => expect((await send(t, 'get', `/api/threads/${story.id}/replies`, bob.cookie)).body.items[0].body).toBeUndefined(),
    ]);
  });

  it('reactions: removing one removes only the caller’s own', async () => {
    const story = await createStory(t, carol);
    const reply = await createReply(t, carol, story.id);
    expect((await send(t, 'put', `/api/threads/${story.id}/reactions/relate`, alice.cookie)).status).toBe(200);
    expect((await send(t, 'put', `/api/replies/${reply.id}/reactions/thanks`, alice.cookie)).status).toBe(200);
    await unchanged('reactions', [
      async () => expect((await send(t, 'delete', `/api/threads/${story.id}/reactions/relate`, bob.cookie)).body).toMatchObject({ reactions: { relate: 1 }, myReactions: [] }),
      async () => expect((await send(t, 'delete', `/api/replies/${reply.id}/reactions/thanks`, bob.cookie)).body).toMatchObject({ reactions: { thanks: 1 }, myReactions: [] }),
      async () => expectJsonError(await send(t, 'put', `/api/threads/${story.id}/reactions/downvote`, bob.cookie), 400, 'VALIDATION_FAILED'),
    ]);
  });

  it('hidden, deleted and held stories answer 404 to other members, exactly as a story that never existed', async () => {
    const nowhere = await send(t, 'get', `/api/threads/${randomUUID()}`, bob.cookie);
    expectJsonError(nowhere, 404, 'NOT_FOUND');
    const deleted = await createStory(t, alice);
    const deletedReply = await createReply(t, carol, deleted.id);
    const bobsReply = await createReply(t, bob, deleted.id);
    expect((await send(t, 'delete', `/api/threads/${deleted.id}`, alice.cookie)).status).toBe(204);
    const hidden = await createStory(t, alice);
    const hiddenReply = await createReply(t, carol, hidden.id);
    expect((await send(t, 'post', `/api/mod/threads/${hidden.id}/hide`, mod.cookie, { reason: 'checking' })).status).toBe(200);
    const held = await createStory(t, alice);
    await t.db.dataSource.query(`UPDATE threads SET status = 'pending' WHERE id = $1`, [held.id]);
    expect((await send(t, 'get', `/api/threads/${held.id}`, alice.cookie)).status).toBe(200); // the author still sees it

    const socket = await connect(t, bob.cookie);
    const attempts: (() => Promise<void>)[] = [];
    for (const [story, reply] of [[deleted, deletedReply], [hidden, hiddenReply], [held, null]] as const) {
      const same = async (res: { status: number; headers: Record<string, string>; body: unknown }) => {
        expectJsonError(res, 404, 'NOT_FOUND');
        expect((res.body as { message: string }).message).toBe(nowhere.body.message);
      };
      attempts.push(
        async () => same(await send(t, 'get', `/api/threads/${story.id}`, bob.cookie)),
        async () => same(await send(t, 'get', `/api/threads/${story.id}/replies`, bob.cookie)),
        async () => same(await send(t, 'post', `/api/threads/${story.id}/replies`, bob.cookie, { body: 'hello?' })),
        async () => same(await send(t, 'put', `/api/threads/${story.id}/reactions/relate`, bob.cookie)),
        async () => same(await send(t, 'post', '/api/reports', bob.cookie, { targetType: 'thread', targetId: story.id, reason: 'spam' })),
        async () => expect(await emitAck(socket, 'thread.join', { threadId: story.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } }),
      );
      if (reply) {
        attempts.push(
          async () => expectJsonError(await send(t, 'put', `/api/replies/${reply.id}/reactions/thanks`, bob.cookie), 404, 'NOT_FOUND'),
          async () => expectJsonError(await send(t, 'post', '/api/reports', bob.cookie, { targetType: 'reply', targetId: reply.id, reason: 'spam' }), 404, 'NOT_FOUND'),
        );
      }
    }
    // Bob's own reply in a story that is gone cannot be changed either
    attempts.push(async () => expectJsonError(await send(t, 'patch', `/api/replies/${bobsReply.id}`, bob.cookie, { body: 'edited' }), 404, 'NOT_FOUND'));
    await unchanged('hidden, deleted and held content', attempts);
    socket.close();
    // and none of them is in Bob's lists or in search
    const list = await send(t, 'get', '/api/threads', bob.cookie).query({ limit: 50 });
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toEqual(expect.arrayContaining([deleted.id]));
    const profile = await send(t, 'get', `/api/users/${alice.username}`, bob.cookie);
    expect(profile.body.stories.items.map((i: { id: string }) => i.id).filter((id: string) => [deleted.id, hidden.id, held.id].includes(id))).toEqual([]);
  });

  it('an anonymous story never leads to its author', async () => {
    const story = await createStory(t, alice, { anonymous: true });
    const res = await send(t, 'get', `/api/threads/${story.id}`, bob.cookie);
    expect(res.body.author).toEqual({ pseudonym: expect.any(String), isAuthor: true });
    expect(JSON.stringify(res.body)).not.toContain(alice.id);
    expect(JSON.stringify(res.body)).not.toContain(alice.username);
    const profile = await send(t, 'get', `/api/users/${alice.username}`, bob.cookie);
    expect(profile.body.stories.items.map((i: { id: string }) => i.id)).not.toContain(story.id);
    tally.add('anonymous authorship', 2);
  });

  it('blocking changes only what the blocker sees', async () => {
    const story = await createStory(t, bob);
    expect((await send(t, 'put', `/api/users/${carol.username}/block`, alice.cookie)).status).toBe(200);
    const aliceSocket = await connect(t, alice.cookie);
    const bobSocket = await connect(t, bob.cookie);
    const toAlice = collect<{ id: string }>(aliceSocket, 'reply.created');
    const toBob = collect<{ id: string }>(bobSocket, 'reply.created');
    const aliceLog = record(aliceSocket);
    for (const s of [aliceSocket, bobSocket]) expect(await emitAck(s, 'thread.join', { threadId: story.id })).toMatchObject({ ok: true });
    const reply = await createReply(t, carol, story.id, { body: 'carol’s words' });
    await waitFor(() => toBob.length === 1, 5000, 'bob hears carol');
    // barrier: a later reply by bob, whom alice did not block, reaches her; carol's must not come before it
    const barrier = await createReply(t, bob, story.id, { body: 'bob’s words' });
    expect((await before(aliceLog, withId('reply.created', barrier.id))).filter((e) => e.event === 'reply.created')).toEqual([]);
    expect(toAlice.filter((r) => r.id !== barrier.id)).toEqual([]);
    aliceSocket.close();
    bobSocket.close();

    await unchanged('blocks', [
      async () => expect((await send(t, 'get', `/api/threads/${story.id}/replies`, bob.cookie)).body.items[0]).toMatchObject({ id: reply.id, bodyHtml: expect.stringContaining('carol') }),
      async () => expect((await send(t, 'get', `/api/threads/${story.id}/replies`, alice.cookie)).body.items[0]).toEqual({ id: reply.id, threadId: story.id, deleted: false, blocked: true }),
      // Carol is not told, and still reads Alice's profile
      async () => expect(JSON.stringify((await send(t, 'get', `/api/users/${alice.username}`, carol.cookie)).body)).not.toMatch(/block/i),
      // Bob cannot undo Alice's block: unblocking touches only Bob's own list
      async () => expect((await send(t, 'delete', `/api/users/${carol.username}/block`, bob.cookie)).body).toEqual({ blocked: false }),
      async () => expect((await send(t, 'get', '/api/me/export', bob.cookie)).body.blocks).toEqual([]),
    ]);
    const [row] = await t.db.dataSource.query('SELECT count(*)::int AS n FROM blocks WHERE blocker_id = $1 AND blocked_id = $2', [alice.id, carol.id]);
    expect(row.n).toBe(1);
  });

  it('staff cannot reach past their rank', async () => {
    const before = await snapshot(t, [mod.id, admin.id]);
    const attempts = [
      () => send(t, 'post', `/api/mod/users/${admin.id}/suspend`, mod.cookie, { days: 1, reason: 'a try' }),
      () => send(t, 'post', `/api/mod/users/${admin.id}/ban`, mod.cookie, { reason: 'a try' }),
      () => send(t, 'patch', `/api/mod/users/${mod.id}`, mod.cookie, { role: 'admin' }),
      () => send(t, 'patch', `/api/mod/users/${admin.id}`, mod.cookie, { role: 'member' }),
      () => send(t, 'patch', `/api/mod/users/${admin.id}`, admin.cookie, { role: 'member' }),
      () => send(t, 'post', `/api/mod/users/${mod.id}/suspend`, mod.cookie, { days: 1, reason: 'a try' }),
    ];
    for (const attempt of attempts) {
      expectJsonError(await attempt(), 403, 'FORBIDDEN');
      tally.add('staff rank');
    }
    expect(await snapshot(t, [mod.id, admin.id])).toBe(before);
  });
});
