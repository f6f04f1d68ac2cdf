import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { Member, sessionCookie, startApp, TestApp, uniqueName } from '../support/app.js';
import { createStory } from '../support/factories.js';
import { connect, emitAck } from '../support/sockets.js';
import { AttackTally, expectJsonError, insertUser, ResLike, SECURITY_ENV, send } from './helpers.js';

// Floods at the real allowances (RATE_LIMIT_SCALE=1). Each must be stopped with 429 + Retry-After (or error
// acks and a disconnect on the socket), touch only the flooder, and leave the process answering.
const expectLimited = (res: ResLike) => {
  expectJsonError(res, 429, 'RATE_LIMITED');
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect((res.body as { retryAfter: number }).retryAfter).toBe(retryAfter);
};

let nextAddress = 0;

/** Signs a member up from an address of its own: at RATE_LIMIT_SCALE=1 an address may sign up only 5 times an hour. */
async function registerMember(t: TestApp): Promise<Member> {
  const username = uniqueName('flood');
  const password = 'long enough password';
  const res = await t.http().post('/api/auth/register').set('X-Forwarded-For', `10.9.${Math.floor(nextAddress / 250)}.${(nextAddress++ % 250) + 1}`).send({ username, password, acceptGuidelines: true, confirmAge: true });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, username, password, cookie: sessionCookie(res) };
}

describe('floods', () => {
  const tally = new AttackTally('floods');
  let t: TestApp;
  let bystander: Member;
  // TRUST_PROXY, so each test can come from an address of its own (X-Forwarded-For)
  beforeAll(async () => {
    t = await startApp({ ...SECURITY_ENV, RATE_LIMIT_SCALE: '1', TRUST_PROXY: 'true' });
    bystander = await registerMember(t);
  });
  afterAll(async () => {
    tally.print();
    await t?.close();
  });

  /** The process still answers, and an ordinary member can still read. */
  async function stillServing(): Promise<void> {
    expect((await t.http().get('/api/health')).status).toBe(200);
    expect((await t.http().get('/api/threads').set('Cookie', bystander.cookie)).status).toBe(200);
  }

  it('sign-in brute force on one account: that address gets 429 after 10 failures, the right password included; the owner elsewhere does not', async () => {
    const victim = await registerMember(t);
    for (let i = 0; i < 10; i++) {
      const res = await t.http().post('/api/auth/login').set('X-Forwarded-For', '10.1.0.1').send({ username: victim.username, password: `guess ${i}` });
      expectJsonError(res, 401, 'INVALID_CREDENTIALS');
      tally.add('sign-in brute force');
    }
    expectLimited(await t.http().post('/api/auth/login').set('X-Forwarded-For', '10.1.0.1').send({ username: victim.username.toUpperCase(), password: victim.password }));
    expectLimited(await t.http().post('/api/auth/login').set('X-Forwarded-For', '10.1.0.1').send({ username: ` ${victim.username}`.trim(), password: 'guess' }));
    tally.add('sign-in brute force', 2);
    // the member's open session still works, and the member signs in from another address: a stranger cannot lock them out
    expect((await t.http().get('/api/auth/me').set('Cookie', victim.cookie)).status).toBe(200);
    expect((await t.http().post('/api/auth/login').set('X-Forwarded-For', '10.1.0.99').send({ username: victim.username, password: victim.password })).status).toBe(200);
    await stillServing();
  });

  it('sign-in spraying from one address: 429 after 30 failures across accounts', async () => {
    for (let i = 0; i < 30; i++) {
      const res = await t.http().post('/api/auth/login').set('X-Forwarded-For', '10.2.0.1').send({ username: uniqueName('nobody'), password: 'password1' });
      expectJsonError(res, 401, 'INVALID_CREDENTIALS');
      tally.add('sign-in spraying');
    }
    const m = await registerMember(t);
    expectLimited(await t.http().post('/api/auth/login').set('X-Forwarded-For', '10.2.0.1').send({ username: m.username, password: m.password }));
    tally.add('sign-in spraying');
    expect((await t.http().post('/api/auth/login').set('X-Forwarded-For', '10.2.0.2').send({ username: m.username, password: m.password })).status).toBe(200);
    await stillServing();
  });

  it('sign-up flood from one address: 429 after 5, and no account made', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const username = uniqueName('flood');
      const res = await t.http().post('/api/auth/register').set('X-Forwarded-For', '10.3.0.1').send({ username, password: 'long enough', acceptGuidelines: true, confirmAge: true });
      expect(res.status).toBe(201);
      made.push(username);
      tally.add('sign-up flood');
    }
    const extra = uniqueName('flood');
    expectLimited(await t.http().post('/api/auth/register').set('X-Forwarded-For', '10.3.0.1').send({ username: extra, password: 'long enough', acceptGuidelines: true, confirmAge: true }));
    tally.add('sign-up flood');
    expect((await t.db.dataSource.query('SELECT count(*)::int AS n FROM users WHERE username = $1', [extra]))[0].n).toBe(0);
    await stillServing();
  });

  it('reply flood: 429 after 10 replies from a new member, and exactly 10 stored', async () => {
    const author = await registerMember(t);
    const story = await createStory(t, author);
    const flooder = await registerMember(t);
    const statuses: number[] = [];
    let limited: ResLike | null = null;
    for (let i = 0; i < 15; i++) {
      const res = await t.http().post(`/api/threads/${story.id}/replies`).set('Cookie', flooder.cookie).send({ body: `reply number ${i}`, clientKey: randomUUID() });
      statuses.push(res.status);
      if (res.status === 429 && !limited) limited = res as ResLike;
      tally.add('reply flood');
    }
    expect(statuses).toEqual([...Array(10).fill(201), ...Array(5).fill(429)]);
    expectLimited(limited as ResLike);
    expect((await t.db.dataSource.query('SELECT count(*)::int AS n FROM replies WHERE author_id = $1', [flooder.id]))[0].n).toBe(10);
    // the author is not limited by the flooder's allowance
    expect((await t.http().post(`/api/threads/${story.id}/replies`).set('Cookie', author.cookie).send({ body: 'still here' })).status).toBe(201);
    await stillServing();
  });

  it('story and report floods: 429 at the allowance', async () => {
    const m = await registerMember(t);
    await createStory(t, m);
    await createStory(t, m);
    expectLimited(await t.http().post('/api/threads').set('Cookie', m.cookie).send({ title: 'One story too many', category: 'work', happened: 'Something else happened to me today.' }));
    tally.add('story flood', 3);

    const reporter = await registerMember(t);
    const targets = await Promise.all(Array.from({ length: 21 }, () => insertUser(t, 'reported')));
    for (const target of targets.slice(0, 20)) {
      expect((await t.http().post('/api/reports').set('Cookie', reporter.cookie).send({ targetType: 'user', targetId: target.id, reason: 'spam' })).status).toBe(201);
      tally.add('report flood');
    }
    expectLimited(await t.http().post('/api/reports').set('Cookie', reporter.cookie).send({ targetType: 'user', targetId: targets[20].id, reason: 'spam' }));
    tally.add('report flood');
    expect((await t.db.dataSource.query('SELECT count(*)::int AS n FROM reports WHERE reporter_id = $1', [reporter.id]))[0].n).toBe(20);
    await stillServing();
  });

  it('socket event flood: error acks past 20 events in 10 s, then a disconnect', async () => {
    const m = await registerMember(t);
    const story = await createStory(t, m);
    const socket = await connect(t, m.cookie);
    const acks = [];
    for (let i = 0; i < 25; i++) {
      acks.push(await emitAck(socket, 'typing', { threadId: story.id }).catch(() => ({ ok: false, error: { code: 'NO_ACK', message: '' } })));
      tally.add('socket event flood', 1, 'typing, again and again');
    }
    expect(acks.slice(0, 20).filter((a) => a.error?.code === 'RATE_LIMITED')).toEqual([]);
    expect(acks.slice(20).map((a) => a.error?.code)).toEqual(Array(5).fill('RATE_LIMITED'));
    const gone = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    for (let i = 0; i < 100; i++) socket.emit('thread.join', { threadId: story.id });
    tally.add('socket event flood', 100, 'thread.join, 100 at once');
    expect(await gone).toBe('io server disconnect');
    // the member may come back (a new socket has its own allowance)
    const again = await connect(t, m.cookie);
    expect(await emitAck(again, 'thread.join', { threadId: story.id })).toMatchObject({ ok: true });
    again.close();
    await stillServing();
  });

  it('connection flood: at most 10 sockets per account; visitors never get one', async () => {
    const m = await registerMember(t);
    const open: Socket[] = [];
    for (let i = 0; i < 10; i++) open.push(await connect(t, m.cookie));
    const refused: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      refused.push(await connect(t, m.cookie).then((s) => (s.close(), 'connected'), (e: { data?: { code: string } }) => e.data?.code));
      tally.add('connection flood', 1, 'one socket too many');
    }
    expect(refused).toEqual(Array(5).fill('RATE_LIMITED'));
    // another member is unaffected, and closing one tab makes room again
    const other = await connect(t, bystander.cookie);
    other.close();
    open.pop()?.close();
    await new Promise((r) => setTimeout(r, 200));
    open.push(await connect(t, m.cookie));
    for (const s of open) s.close();

    // refused at engine.io's handshake (allowRequest, a 403), before any socket.io session exists
    const visitors = await Promise.all(Array.from({ length: 50 }, () => connect(t).then((s) => (s.close(), 'connected'), (e: Error & { data?: { code: string } }) => e.data?.code ?? e.message)));
    tally.add('connection flood', 50, 'a visitor connecting');
    expect(new Set(visitors)).toEqual(new Set(['websocket error']));
    await stillServing();
  });
});

describe('floods with a forged X-Forwarded-For', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ ...SECURITY_ENV, RATE_LIMIT_SCALE: '1' }); // TRUST_PROXY off: the header is the client's word only
  });
  afterAll(async () => {
    await t?.close();
  });

  it('does not reset the per-address limit for a client that invents addresses', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await send(t, 'post', '/api/auth/login', null, { username: uniqueName('nobody'), password: 'password1' }).set('X-Forwarded-For', `203.0.113.${i}`);
      statuses.push(res.status);
    }
    console.log(`[security] floods: forged X-Forwarded-For: 31 sign-in attempts`);
    expect(statuses).toEqual([...Array(30).fill(401), 429]);
    expect((await t.http().get('/api/health')).status).toBe(200);
  });
});
