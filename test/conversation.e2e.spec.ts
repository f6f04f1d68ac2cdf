import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { Member, registerMember, startApp, TestApp, uniqueName } from './support/app.js';
import { createReply, createStory } from './support/factories.js';
import { before, connect, emitAck, record, Received, waitFor, withId } from './support/sockets.js';

// DESIGN.md, "Second batch: Conversation": live reactions, typing that counts others only, replies to replies,
// and sign-up limits that count accounts, said in words.
describe('conversation', () => {
  let t: TestApp;
  let ann: Member;
  let bob: Member;
  let cat: Member;
  const sockets: Socket[] = [];
  const open = async (m: Member) => {
    const s = await connect(t, m.cookie);
    sockets.push(s);
    return s;
  };
  /** A socket of `m` that joined the story, with everything it receives from then on. */
  const reader = async (m: Member, threadId: string) => {
    const s = await open(m);
    const log = record(s);
    expect(await emitAck(s, 'thread.join', { threadId })).toMatchObject({ ok: true });
    return { s, log };
  };
  const of = (log: Received[], event: string) => log.filter((r) => r.event === event).map((r) => r.payload as Record<string, unknown>);
  const react = (m: Member, path: string, kind: string, on = true) => (on ? t.http().put(`/api/${path}/reactions/${kind}`) : t.http().delete(`/api/${path}/reactions/${kind}`)).set('Cookie', m.cookie);
  const reply = (m: Member, threadId: string, body: Record<string, unknown>) => t.http().post(`/api/threads/${threadId}/replies`).set('Cookie', m.cookie).send({ body: 'I hear you.', clientKey: randomUUID(), ...body });

  beforeAll(async () => {
    t = await startApp();
    [ann, bob, cat] = [await registerMember(t), await registerMember(t), await registerMember(t)];
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  describe('live reactions', () => {
    it('sends reaction.updated with the new counts to another reader once, and nothing for a change that changed nothing', async () => {
      const s = await createStory(t, ann);
      const r = await createReply(t, bob, s.id);
      const { log } = await reader(ann, s.id);

      expect((await react(cat, `replies/${r.id}`, 'relate')).body).toMatchObject({ reactions: { relate: 1, thanks: 0, helped: 0 }, myReactions: ['relate'] });
      await waitFor(() => of(log, 'reaction.updated').length === 1, 5000, 'the reply reaction');
      expect(of(log, 'reaction.updated')).toEqual([{ targetType: 'reply', targetId: r.id, threadId: s.id, reactions: { relate: 1, thanks: 0, helped: 0 } }]);

      // the same PUT again changes no count: nothing is sent; the story's reaction after it is the barrier
      expect((await react(cat, `replies/${r.id}`, 'relate')).status).toBe(200);
      expect((await react(cat, `threads/${s.id}`, 'thanks')).status).toBe(200);
      const story = (x: Received) => x.event === 'reaction.updated' && (x.payload as { targetType: string }).targetType === 'thread';
      expect((await before(log, story)).filter((x) => x.event === 'reaction.updated')).toHaveLength(1);
      expect(log.find(story)?.payload).toEqual({ targetType: 'thread', targetId: s.id, threadId: s.id, reactions: { relate: 0, thanks: 1, helped: 0 } });

      // taking it away counts down, once
      expect((await react(cat, `replies/${r.id}`, 'relate', false)).body.reactions).toEqual({ relate: 0, thanks: 0, helped: 0 });
      await waitFor(() => of(log, 'reaction.updated').length === 3, 5000, 'the reaction taken away');
      expect(of(log, 'reaction.updated')[2]).toEqual({ targetType: 'reply', targetId: r.id, threadId: s.id, reactions: { relate: 0, thanks: 0, helped: 0 } });
    });

    it('does not send the counts of a named reply to a reader who blocked its author (their placeholder has none)', async () => {
      const s = await createStory(t, ann);
      const blocked = await registerMember(t);
      const r = await createReply(t, blocked, s.id);
      const later = await createReply(t, cat, s.id);
      expect((await t.http().put(`/api/users/${blocked.username}/block`).set('Cookie', bob.cookie)).status).toBeLessThan(300);
      const { log } = await reader(bob, s.id);
      expect((await react(ann, `replies/${r.id}`, 'helped')).status).toBe(200);
      expect((await react(ann, `replies/${later.id}`, 'helped')).status).toBe(200);
      const seen = await before(log, (x) => x.event === 'reaction.updated' && (x.payload as { targetId: string }).targetId === later.id);
      expect(seen.filter((x) => x.event === 'reaction.updated')).toEqual([]);
    });
  });

  describe('typing', () => {
    it("never counts the typer for themself, and drops them the moment their reply arrives", async () => {
      const s = await createStory(t, ann);
      const a = await reader(ann, s.id);
      const b = await reader(bob, s.id);
      const typing = (log: Received[]) => of(log, 'typing').map((p) => p.count);

      expect(await emitAck(b.s, 'typing', { threadId: s.id })).toEqual({ ok: true });
      await waitFor(() => typing(a.log).includes(1) && typing(b.log).length > 0, 5000, 'the typing count');
      expect(typing(a.log)).toEqual([1]);
      expect(typing(b.log)).toEqual([0]); // bob's own screen: nobody else is writing

      const res = await reply(bob, s.id, {});
      expect(res.status).toBe(201);
      await waitFor(() => a.log.some(withId('reply.created', res.body.id)), 5000, 'the reply');
      // a barrier: the join's answer comes after everything sent to this socket before it
      expect(await emitAck(a.s, 'thread.join', { threadId: s.id })).toMatchObject({ ok: true });
      const after = a.log.slice(a.log.findIndex(withId('reply.created', res.body.id)));
      expect(of(after, 'typing')).toEqual([{ threadId: s.id, count: 0 }]);
    });
  });

  describe('reply to a reply', () => {
    it('stores replyTo, shows a quote of the answered reply and tells its author', async () => {
      const s = await createStory(t, ann);
      const first = await createReply(t, bob, s.id, { body: 'When it happened to me I **froze** too, for a long time.' });
      const bobSocket = await open(bob);
      const told = record(bobSocket);
      const res = await reply(cat, s.id, { replyTo: first.id, body: 'Same here.' });
      expect(res.status).toBe(201);
      expect(res.body.replyTo).toEqual({ id: first.id, author: { id: bob.id, username: bob.username }, excerpt: 'When it happened to me I froze too, for a long time.' });
      const list = await t.http().get(`/api/threads/${s.id}/replies`).set('Cookie', ann.cookie);
      expect(list.body.items.map((r: { id: string; replyTo: unknown }) => [r.id, r.replyTo])).toEqual([
        [first.id, null],
        [res.body.id, res.body.replyTo],
      ]);
      await waitFor(() => of(told, 'notification').some((n) => n.kind === 'reply_to_you'), 5000, 'the reply_to_you notification');
      expect(of(told, 'notification').find((n) => n.kind === 'reply_to_you')).toMatchObject({ threadId: s.id, replyId: res.body.id, text: expect.stringContaining('replied to you') });
      // the story's author is told too, of a reply to their story
      const anns = await t.http().get('/api/notifications').set('Cookie', ann.cookie);
      expect(anns.body.items.filter((n: { replyId: string }) => n.replyId === res.body.id).map((n: { kind: string }) => n.kind)).toEqual(['reply']);
    });

    it("quotes an anonymous reply under its pseudonym, and the story's author answering a reader tells that reader only once", async () => {
      const s = await createStory(t, ann);
      const anon = await createReply(t, bob, s.id, { anonymous: true, body: 'I have been there.' });
      const told = record(await open(bob));
      const res = await reply(ann, s.id, { replyTo: anon.id, body: 'Thank you, @' + bob.username });
      expect(res.status).toBe(201);
      expect(res.body.replyTo.author).toEqual({ pseudonym: (anon.author as { pseudonym: string }).pseudonym });
      expect(JSON.stringify(res.body.replyTo)).not.toContain(bob.id);
      // every notification of one reply is written in one transaction: once one has arrived, all are stored
      await waitFor(() => of(told, 'notification').some((n) => n.replyId === res.body.id), 5000, 'the notification');
      const mine = await t.http().get('/api/notifications').set('Cookie', bob.cookie);
      expect(mine.body.items.filter((n: { replyId: string }) => n.replyId === res.body.id).map((n: { kind: string }) => n.kind)).toEqual(['reply_to_you']);
    });

    it('tells nobody who muted the story, and nobody who blocked a named replier', async () => {
      const s = await createStory(t, ann);
      const first = await createReply(t, bob, s.id);
      const blocker = await registerMember(t);
      const second = await createReply(t, blocker, s.id);
      expect((await t.http().put(`/api/threads/${s.id}/mute`).set('Cookie', bob.cookie)).status).toBeLessThan(300);
      expect((await t.http().put(`/api/users/${cat.username}/block`).set('Cookie', blocker.cookie)).status).toBeLessThan(300);
      const told = record(await open(ann));
      const toBob = await reply(cat, s.id, { replyTo: first.id });
      const toBlocker = await reply(cat, s.id, { replyTo: second.id });
      // the story's author is told of both in the same transactions that would have told the others
      await waitFor(() => [toBob, toBlocker].every((r) => of(told, 'notification').some((n) => n.replyId === r.body.id)), 5000, "the author's notifications");
      const kinds = await t.db.dataSource.query(`SELECT kind FROM notifications WHERE reply_id IN ($1::bigint, $2::bigint) AND user_id <> $3`, [toBob.body.id, toBlocker.body.id, ann.id]);
      expect(kinds).toEqual([]);
    });

    it('refuses a replyTo of another story, deleted, hidden or blocked, and garbage, storing nothing', async () => {
      const s = await createStory(t, ann);
      const other = await createStory(t, ann);
      const elsewhere = await createReply(t, bob, other.id);
      const deleted = await createReply(t, bob, s.id);
      expect((await t.http().delete(`/api/replies/${deleted.id}`).set('Cookie', bob.cookie)).status).toBe(204);
      const hidden = await createReply(t, bob, s.id);
      await t.db.dataSource.query('UPDATE replies SET hidden = true WHERE id = $1', [hidden.id]);
      const blockedAuthor = await registerMember(t);
      const byBlocked = await createReply(t, blockedAuthor, s.id);
      expect((await t.http().put(`/api/users/${blockedAuthor.username}/block`).set('Cookie', cat.cookie)).status).toBeLessThan(300);
      const count = async () => (await t.db.dataSource.query('SELECT count(*)::int AS n FROM replies WHERE thread_id = $1', [s.id]))[0].n as number;
      const before = await count();
      for (const replyTo of [elsewhere.id, deleted.id, hidden.id, byBlocked.id, '999999999999']) {
        const res = await reply(cat, s.id, { replyTo });
        expect([res.status, res.body.code]).toEqual([404, 'NOT_FOUND']);
      }
      for (const replyTo of ['abc', '-1', '0', 12, '1'.repeat(30), { id: 1 }]) {
        const res = await reply(cat, s.id, { replyTo });
        expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      }
      expect(await count()).toBe(before);
    });

    it('empties the quote once the answered reply is deleted', async () => {
      const s = await createStory(t, ann);
      const first = await createReply(t, bob, s.id);
      const res = await reply(cat, s.id, { replyTo: first.id });
      expect((await t.http().delete(`/api/replies/${first.id}`).set('Cookie', bob.cookie)).status).toBe(204);
      const list = await t.http().get(`/api/threads/${s.id}/replies`).set('Cookie', ann.cookie);
      expect(list.body.items.find((r: { id: string }) => r.id === res.body.id).replyTo).toEqual({ id: first.id, author: null, excerpt: null });
    });
  });

  it('says the wait of slow mode in words', async () => {
    const s = await createStory(t, ann);
    await t.db.dataSource.query('UPDATE threads SET slow_mode_seconds = 3600 WHERE id = $1', [s.id]);
    expect((await reply(bob, s.id, {})).status).toBe(201);
    const refused = await reply(bob, s.id, {});
    expect([refused.status, refused.body.code]).toEqual([429, 'RATE_LIMITED']);
    expect(refused.body.message).toBe('This story is in slow mode: you can reply again in about an hour.');
  });

  describe('sign-up limits', () => {
    let strict: TestApp;
    beforeAll(async () => {
      strict = await startApp({ RATE_LIMIT_SCALE: '1' });
    });
    afterAll(async () => {
      await strict.close();
    });
    const signUp = (username: string, password = 'long enough') => strict.http().post('/api/auth/register').send({ username, password, acceptGuidelines: true, confirmAge: true });

    it('counts accounts created, not refused attempts, and says the wait in words', async () => {
      const taken = uniqueName('taken');
      expect((await signUp(taken)).status).toBe(201);
      for (let i = 0; i < 4; i++) expect((await signUp(taken)).status).toBe(409);
      expect((await signUp(uniqueName('weak'), 'x')).status).toBe(400);
      expect((await signUp(uniqueName('fifth'))).status).toBe(201);
      for (let i = 0; i < 3; i++) expect((await signUp(uniqueName('more'))).status).toBe(201);
      const refused = await signUp(uniqueName('sixth'));
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe('RATE_LIMITED');
      expect(refused.body.message).toContain('about an hour');
      expect(refused.body.message).not.toMatch(/\d+\s*s\b|seconds/);
      expect(refused.body.retryAfter).toBeGreaterThan(3000);
    });
  });
});
