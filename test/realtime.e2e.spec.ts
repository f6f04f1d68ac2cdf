import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { Member, registerMember, sessionCookie, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';
import { before, collect, connect, emitAck, record, sleep, waitFor, withId } from './support/sockets.js';

describe('realtime', () => {
  let t: TestApp;
  let ann: Member;
  let bob: Member;
  const sockets: Socket[] = [];
  const open = async (m: Member | string) => {
    const s = await connect(t, typeof m === 'string' ? m : m.cookie);
    sockets.push(s);
    return s;
  };
  beforeAll(async () => {
    t = await startApp();
    ann = await registerMember(t);
    bob = await registerMember(t);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  describe('handshake', () => {
    // engine.io's own handshake: what a visitor gets before socket.io's connect packet
    const handshake = (cookie?: string) => {
      const req = t.http().get('/socket.io/?EIO=4&transport=polling');
      return cookie ? req.set('Cookie', cookie) : req;
    };

    it('refuses a connection without a session cookie', async () => {
      await expect(connect(t)).rejects.toMatchObject({ message: 'websocket error' });
      await expect(connect(t, 'setback_session=forged')).rejects.toMatchObject({ message: 'websocket error' });
    });

    it('refuses a polling handshake without a valid session with a 403 and no session id; a signed-in one gets its sid', async () => {
      for (const cookie of [undefined, 'setback_session=forged']) {
        const res = await handshake(cookie);
        expect(res.status).toBe(403);
        expect(res.text).not.toContain('sid');
      }
      const ok = await handshake(ann.cookie);
      expect(ok.status).toBe(200);
      expect(ok.text).toMatch(/^0\{"sid":"[^"]+"/);
    });

    it('refuses a revoked session', async () => {
      const m = await registerMember(t);
      await t.http().post('/api/auth/logout').set('Cookie', m.cookie);
      await expect(connect(t, m.cookie)).rejects.toBeTruthy();
      expect((await handshake(m.cookie)).status).toBe(403);
    });

    it('closes a socket that sends a packet above 64 KB, over websocket and over polling', async () => {
      const big = await open(ann);
      const gone = new Promise<string>((r) => big.once('disconnect', r));
      big.emit('thread.join', { threadId: 'x'.repeat(100_000) });
      expect(await gone).toBe('transport close');

      const sid = (JSON.parse((await handshake(ann.cookie)).text.slice(1)) as { sid: string }).sid;
      const post = (body: string) => t.http().post(`/socket.io/?EIO=4&transport=polling&sid=${sid}`).set('Cookie', ann.cookie).set('Content-Type', 'text/plain;charset=UTF-8').send(body);
      expect((await post('40')).status).toBe(200);
      expect((await post(`42["thread.join",{"threadId":"${'x'.repeat(100_000)}"}]`)).status).toBe(413);
      // the session id is gone with it
      expect((await t.http().get(`/socket.io/?EIO=4&transport=polling&sid=${sid}`).set('Cookie', ann.cookie)).status).toBe(400);
    });

    it('refuses a foreign Origin, and accepts the site\'s own', async () => {
      await expect(connect(t, ann.cookie, { origin: 'https://evil.example' })).rejects.toBeTruthy();
      const ok = await connect(t, ann.cookie, { origin: t.url });
      ok.close();
    });
  });

  it('answers a join of a story the reader may not see with an error ack, and sends nothing from it later', async () => {
    const s = await createStory(t, ann);
    await t.db.dataSource.query('UPDATE threads SET hidden = true WHERE id = $1', [s.id]);
    const reader = await open(bob);
    const created = collect(reader, 'reply.created');
    const ack = await emitAck(reader, 'thread.join', { threadId: s.id });
    expect(ack).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: expect.any(String) } });
    expect((await emitAck(reader, 'thread.join', { threadId: randomUUID() })).error?.code).toBe('NOT_FOUND');
    // even once the story is visible again, a refused join left the socket outside its room
    const other = await createStory(t, ann);
    expect(await emitAck(reader, 'thread.join', { threadId: other.id })).toMatchObject({ ok: true });
    const log = record(reader);
    await t.db.dataSource.query('UPDATE threads SET hidden = false WHERE id = $1', [s.id]);
    const r = await createReply(t, ann, s.id);
    // barrier: a later reply in a story the reader did join must arrive; the refused story's must not come before it
    const barrier = await createReply(t, ann, other.id);
    expect((await before(log, withId('reply.created', barrier.id))).filter(withId('reply.created', r.id))).toEqual([]);
    expect(created.find((c) => (c as { id: string }).id === r.id)).toBeUndefined();
  });

  it('delivers a reply to two readers exactly once, then its edit and its removal', async () => {
    const s = await createStory(t, ann);
    const r1 = await open(ann);
    const r2 = await open(bob);
    const created1 = collect<{ id: string; bodyHtml: string; author: unknown }>(r1, 'reply.created');
    const created2 = collect<{ id: string }>(r2, 'reply.created');
    const updated2 = collect<{ id: string; bodyHtml: string }>(r2, 'reply.updated');
    const removed2 = collect<{ id: string; threadId: string }>(r2, 'reply.removed');
    const j1 = await emitAck(r1, 'thread.join', { threadId: s.id });
    expect(j1).toMatchObject({ ok: true, missed: [], more: false, changed: [] });
    await emitAck(r2, 'thread.join', { threadId: s.id });
    const writer = await registerMember(t);
    const log1 = record(r1);
    const log2 = record(r2);
    const reply = await createReply(t, writer, s.id, { body: 'Live *hello*' });
    await waitFor(() => created1.length > 0 && created2.length > 0, 3000, 'reply.created at both readers');
    // barrier: a later reply by someone else reaches both; a second copy of the first would have come before it
    const barrier = await createReply(t, ann, s.id, { body: 'and a second one' });
    for (const log of [log1, log2]) expect((await before(log, withId('reply.created', barrier.id))).filter((e) => e.event === 'reply.created').map((e) => (e.payload as { id: string }).id)).toEqual([reply.id]);
    expect(created1.filter((c) => c.id === reply.id)).toHaveLength(1);
    expect(created2.filter((c) => c.id === reply.id)).toHaveLength(1);
    expect(created1[0]).toMatchObject({ id: reply.id, bodyHtml: '<p>Live <em>hello</em></p>', author: { id: writer.id, username: writer.username } });
    expect((created1[0] as Record<string, unknown>).mine).toBeUndefined();

    await t.http().patch(`/api/replies/${reply.id}`).set('Cookie', writer.cookie).send({ body: 'Edited live' });
    await waitFor(() => updated2.length === 1, 3000, 'reply.updated');
    expect(updated2[0]).toMatchObject({ id: reply.id, bodyHtml: '<p>Edited live</p>' });
    await t.http().delete(`/api/replies/${reply.id}`).set('Cookie', writer.cookie);
    await waitFor(() => removed2.length === 1, 3000, 'reply.removed');
    expect(removed2[0]).toEqual({ id: reply.id, threadId: s.id });
  });

  it('carries only the pseudonym of an anonymous reply', async () => {
    const s = await createStory(t, ann);
    const reader = await open(ann);
    const created = collect<Record<string, unknown>>(reader, 'reply.created');
    await emitAck(reader, 'thread.join', { threadId: s.id });
    const secret = await registerMember(t);
    await createReply(t, secret, s.id, { anonymous: true });
    await waitFor(() => created.length === 1, 3000, 'anonymous reply');
    expect(JSON.stringify(created[0])).not.toContain(secret.username);
    expect(JSON.stringify(created[0])).not.toContain(secret.id);
    expect(created[0].author).toEqual({ pseudonym: expect.any(String) });
  });

  it('gives a reader who reconnects during a burst exactly the replies it missed, in order, and the edits in changed', async () => {
    const s = await createStory(t, ann);
    const early = await createReply(t, bob, s.id, { body: 'before the drop' });
    let reader = await open(ann);
    const first = await emitAck(reader, 'thread.join', { threadId: s.id, after: '0' });
    expect((first.missed as { id: string }[]).map((r) => r.id)).toEqual([early.id]);
    reader.close();
    const lostAt = new Date().toISOString();
    await sleep(20);

    const writers = await Promise.all(Array.from({ length: 4 }, () => registerMember(t)));
    await t.http().patch(`/api/replies/${early.id}`).set('Cookie', bob.cookie).send({ body: 'edited while you were away' });
    // four writers at once, each with two requests in flight: a burst, without queueing 200 requests on a small test pool
    const lanes = writers.flatMap((w) => [0, 1].map((lane) => async () => {
      const out = [];
      for (let i = lane; i < 50; i += 2) out.push(await createReply(t, w, s.id, { body: `burst ${i}` }));
      return out;
    }));
    const posted = (await Promise.all(lanes.map((run) => run()))).flat();
    expect(posted).toHaveLength(200);

    reader = await open(ann);
    const live = collect<{ id: string }>(reader, 'reply.created');
    const log = record(reader);
    const ack = await emitAck(reader, 'thread.join', { threadId: s.id, after: early.id, since: lostAt });
    expect(ack.ok).toBe(true);
    const missed = (ack.missed as { id: string }[]).map((r) => r.id);
    expect(missed).toHaveLength(200);
    expect(new Set(missed).size).toBe(200);
    expect(missed).toEqual([...missed].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
    expect(new Set(missed)).toEqual(new Set(posted.map((p) => p.id)));
    expect(ack.more).toBe(false);
    expect((ack.changed as { id: string; bodyHtml: string }[]).map((r) => [r.id, r.bodyHtml])).toEqual([[early.id, '<p>edited while you were away</p>']]);
    // barrier: a reply posted after the join arrives live; none of the burst may have come before it
    const barrier = await createReply(t, bob, s.id, { body: 'after the reconnect' });
    expect((await before(log, withId('reply.created', barrier.id))).filter((e) => e.event === 'reply.created')).toEqual([]);
    expect(live.filter((r) => r.id !== barrier.id)).toHaveLength(0); // the burst was over before the reconnect: nothing arrives twice
  });

  it('says more: true beyond 200 missed replies', async () => {
    const s = await createStory(t, ann);
    await t.db.dataSource.query(
      `INSERT INTO replies (thread_id, author_id, body_md, body_html) SELECT $1, $2, 'r' || g, '<p>r' || g || '</p>' FROM generate_series(1, 250) g`,
      [s.id, bob.id],
    );
    const reader = await open(ann);
    const ack = await emitAck(reader, 'thread.join', { threadId: s.id, after: '0' });
    expect((ack.missed as unknown[]).length).toBe(200);
    expect(ack.more).toBe(true);
  });

  it('does not deliver replies of a blocked member to the blocker', async () => {
    const s = await createStory(t, bob);
    const troll = await registerMember(t);
    await t.http().put(`/api/users/${troll.username}/block`).set('Cookie', ann.cookie);
    const blocker = await open(ann);
    const other = await open(bob);
    const seenByBlocker = collect<{ id: string }>(blocker, 'reply.created');
    const seenByOther = collect<{ id: string }>(other, 'reply.created');
    const blockerLog = record(blocker);
    await emitAck(blocker, 'thread.join', { threadId: s.id });
    await emitAck(other, 'thread.join', { threadId: s.id });
    const r = await createReply(t, troll, s.id);
    await waitFor(() => seenByOther.length === 1, 3000, 'delivery to the other reader');
    // barrier: a later reply by a member the blocker did not block reaches them; the troll's must not come before it
    const barrier = await createReply(t, bob, s.id);
    expect((await before(blockerLog, withId('reply.created', barrier.id))).filter(withId('reply.created', r.id))).toEqual([]);
    expect(seenByOther[0].id).toBe(r.id);
    expect(seenByBlocker.filter((c) => c.id !== barrier.id)).toHaveLength(0);
  });

  it('answers malformed payloads with error acks and keeps answering', async () => {
    const s = await createStory(t, ann);
    const socket = await open(bob);
    const cases: [unknown, string][] = [
      [null, 'threadId'],
      [[], 'threadId'],
      [42, 'threadId'],
      ['text', 'threadId'],
      [{ threadId: 7 }, 'threadId'],
      [{ threadId: 'x'.repeat(60_000) }, 'threadId'], // under the 64 KB packet limit: an answer, not a closed socket
      [{ threadId: s.id, after: -1 }, 'after'],
      [{ threadId: s.id, after: 'abc' }, 'after'],
      [{ threadId: s.id, since: 'not a date' }, 'since'],
      [{ threadId: s.id, after: 0, since: 1e20 }, 'since'],
      [{ threadId: [s.id] }, 'threadId'],
      [{ threadId: s.id, admin: true }, 'admin'],
    ];
    for (const [payload, field] of cases) {
      const ack = await emitAck(socket, 'thread.join', payload);
      // the same shape as a REST 400, without the status: a code, a message, and each field that was wrong
      expect(ack).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.any(String), errors: [{ field, message: expect.any(String) }] } });
    }
    expect((await emitAck(socket, 'typing', null)).error).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'threadId' }] });
    expect((await emitAck(socket, 'thread.leave', 'x')).error).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'threadId' }] });
    // what stays allowed: after as a number or a decimal string, since as an ISO string or milliseconds
    for (const ok of [{ threadId: s.id, after: 0, since: Date.now() - 60_000 }, { threadId: s.id, after: '0', since: new Date().toISOString() }, { threadId: s.id, after: null, since: null }]) {
      expect(await emitAck(socket, 'thread.join', ok)).toMatchObject({ ok: true, threadId: s.id });
    }
    expect(await emitAck(socket, 'no.such.event', {})).toEqual({ ok: false, error: { code: 'UNKNOWN_EVENT', message: expect.any(String) } });
    socket.emit('thread.join', { threadId: s.id }); // no ack at all
    socket.emit('thread.join');
    expect(socket.connected).toBe(true);
    expect(await emitAck(socket, 'thread.join', { threadId: s.id })).toMatchObject({ ok: true });
  });

  it('shows how many are typing (a count, never names) and how many are reading', async () => {
    const s = await createStory(t, ann);
    const a = await open(ann);
    const b = await open(bob);
    const typing = collect<{ threadId: string; count: number }>(a, 'typing');
    const presence = collect<{ threadId: string; viewers: number }>(a, 'presence');
    await emitAck(a, 'thread.join', { threadId: s.id });
    const joinB = await emitAck(b, 'thread.join', { threadId: s.id });
    expect(joinB.viewers).toBe(2);
    await waitFor(() => presence.some((p) => p.viewers === 2), 3000, 'presence 2');
    expect(await emitAck(b, 'typing', { threadId: s.id })).toEqual({ ok: true });
    await waitFor(() => typing.some((e) => e.count === 1), 3000, 'typing count');
    expect(typing[0]).toEqual({ threadId: s.id, count: 1 });
    await waitFor(() => typing[typing.length - 1].count === 0, 8000, 'typing to expire');
    b.close();
    await waitFor(() => presence[presence.length - 1].viewers === 1, 3000, 'presence after leaving');
  });

  it('ends the sockets of a session at logout, with session.ended first', async () => {
    const m = await registerMember(t);
    const login = await t.http().post('/api/auth/login').send({ username: m.username, password: m.password });
    const other = sessionCookie(login);
    const s1 = await open(m.cookie);
    const s2 = await open(other);
    const ended = collect<{ reason: string }>(s1, 'session.ended');
    const disconnected = new Promise((r) => s1.once('disconnect', r));
    await t.http().post('/api/auth/logout').set('Cookie', m.cookie);
    await disconnected;
    expect(ended).toEqual([{ reason: 'signed-out' }]);
    // barrier: the other session still answers (a logout that reached it would have closed it first)
    expect(await emitAck(s2, 'thread.leave', { threadId: randomUUID() })).toEqual({ ok: true });
    expect(s2.connected).toBe(true); // the other session lives on
    const gone = new Promise((r) => s2.once('disconnect', r));
    await t.http().post('/api/auth/logout-all').set('Cookie', other);
    await gone;
  });
});

describe('realtime flood control', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ RATE_LIMIT_SCALE: '1' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('throttles a flooding socket with error acks, then disconnects it', async () => {
    const m = await registerMember(t);
    const s = await createStory(t, m);
    const socket = await connect(t, m.cookie);
    const acks = [];
    for (let i = 0; i < 25; i++) acks.push(await emitAck(socket, 'typing', { threadId: s.id }).catch(() => ({ ok: false, error: { code: 'TIMEOUT' } })));
    expect(acks.slice(0, 20).every((a) => a.error?.code !== 'RATE_LIMITED')).toBe(true);
    expect(acks.slice(20).every((a) => a.error?.code === 'RATE_LIMITED')).toBe(true);
    const gone = new Promise((r) => socket.once('disconnect', r));
    for (let i = 0; i < 50; i++) socket.emit('typing', { threadId: s.id });
    await gone;
    expect(socket.connected).toBe(false);
  });

  it('allows at most 10 sockets per account', async () => {
    const m = await registerMember(t);
    const open: Socket[] = [];
    for (let i = 0; i < 10; i++) open.push(await connect(t, m.cookie));
    await expect(connect(t, m.cookie)).rejects.toMatchObject({ data: { code: 'RATE_LIMITED' } });
    for (const s of open) s.close();
  });
});

describe('live notifications', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('pushes a notification to the author live and lists it over REST', async () => {
    const author = await registerMember(t);
    const replier = await registerMember(t);
    const story = await createStory(t, author, { title: 'A story worth answering' });
    const socket = await connect(t, author.cookie);
    const pushed = collect<{ id: string; kind: string; threadId: string; text: string; read: boolean }>(socket, 'notification');
    await createReply(t, replier, story.id, { anonymous: true });
    await waitFor(() => pushed.length === 1, 3000, 'live notification');
    expect(pushed[0]).toMatchObject({ kind: 'reply', threadId: story.id, read: false });
    expect(pushed[0].text).not.toContain(replier.username);
    const listed = await t.http().get('/api/notifications').set('Cookie', author.cookie);
    expect(listed.body.items.map((n: { id: string }) => n.id)).toEqual([pushed[0].id]);
    expect((await t.http().get('/api/auth/me').set('Cookie', author.cookie)).body.unreadNotifications).toBe(1);
    socket.close();
  });
});
