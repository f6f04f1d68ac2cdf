import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Member, registerMember, sessionCookie, startApp, TestApp, uniqueName } from './support/app.js';
import { createStory } from './support/factories.js';
import { clusterEnv, requireServices } from './support/services.js';

// These run at RATE_LIMIT_SCALE=1: the real allowances.
describe('rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ RATE_LIMIT_SCALE: '1' });
  });
  afterAll(async () => {
    await t.close();
  });

  const expectLimited = (res: { status: number; headers: Record<string, string>; body: { code: string; retryAfter: number } }) => {
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body.retryAfter).toBe(Number(res.headers['retry-after']));
  };

  it('limits sign-ups per address', async () => {
    const fresh = await startApp({ RATE_LIMIT_SCALE: '1' });
    try {
      for (let i = 0; i < 5; i++) {
        const res = await fresh.http().post('/api/auth/register').send({ username: uniqueName('r'), password: 'long enough', acceptGuidelines: true, confirmAge: true });
        expect(res.status).toBe(201);
      }
      const refused = uniqueName('r');
      expectLimited(await fresh.http().post('/api/auth/register').send({ username: refused, password: 'long enough', acceptGuidelines: true, confirmAge: true }));
      expect((await fresh.db.dataSource.query('SELECT count(*)::int AS n FROM users WHERE username_key = $1', [refused]))[0].n).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it('limits replies per member, more strictly for members under a day old', async () => {
    const author = await registerMember(t);
    const s = await createStory(t, author);
    const newbie = await registerMember(t);
    for (let i = 0; i < 10; i++) expect((await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', newbie.cookie).send({ body: `reply ${i}` })).status).toBe(201);
    expectLimited(await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', newbie.cookie).send({ body: 'one too many' }));
    expect((await t.db.dataSource.query('SELECT count(*)::int AS n FROM replies WHERE author_id = $1', [newbie.id]))[0].n).toBe(10);
    // an older member has the full allowance
    const older = await registerMember(t);
    await t.db.dataSource.query(`UPDATE users SET created_at = now() - interval '2 days' WHERE id = $1`, [older.id]);
    for (let i = 0; i < 11; i++) expect((await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', older.cookie).send({ body: `reply ${i}` })).status).toBe(201);
  });

  it('limits stories per member', async () => {
    const own = await startApp({ RATE_LIMIT_SCALE: '1' }); // sign-ups above used this address's allowance
    try {
      const m = await registerMember(own);
      await createStory(own, m);
      await createStory(own, m);
      expectLimited(await own.http().post('/api/threads').set('Cookie', m.cookie).send({ title: 'Third story today', category: 'work', happened: 'Another thing happened to me today, sadly.' }));
    } finally {
      await own.close();
    }
  });
});

type Limited = { status: number; headers: Record<string, string>; body: { code: string; retryAfter: number } };
const expectLimitedFor = (res: Limited, atMostSeconds: number) => {
  expect(res.status).toBe(429);
  expect(res.body.code).toBe('RATE_LIMITED');
  expect(res.body.retryAfter).toBe(Number(res.headers['retry-after']));
  expect(res.body.retryAfter).toBeGreaterThan(0);
  expect(res.body.retryAfter).toBeLessThanOrEqual(atMostSeconds);
};

// TRUST_PROXY, so each request can come from an address of its own (X-Forwarded-For)
describe('sign-in failures', () => {
  let t: TestApp;
  let n = 0;
  beforeAll(async () => {
    t = await startApp({ RATE_LIMIT_SCALE: '1', TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await t.close();
  });

  const address = () => `198.18.${Math.floor(++n / 250)}.${(n % 250) + 1}`;
  const signIn = (from: string, username: string, password: string) => t.http().post('/api/auth/login').set('X-Forwarded-For', from).send({ username, password });
  /** A member signed up from an address of their own (sign-ups are limited per address), with their recovery codes. */
  async function member(): Promise<Member & { codes: string[] }> {
    const username = uniqueName('owner');
    const password = `pw-${randomBytes(6).toString('hex')}`;
    const res = await t.http().post('/api/auth/register').set('X-Forwarded-For', address()).send({ username, password, acceptGuidelines: true, confirmAge: true });
    expect(res.status).toBe(201);
    return { id: res.body.id, username, password, cookie: sessionCookie(res), codes: res.body.recoveryCodes };
  }

  it('ten failures from one address pause that address for that account; the owner elsewhere signs in and recovers', async () => {
    const dave = await member();
    const attacker = address();
    for (let i = 0; i < 10; i++) expect((await signIn(attacker, dave.username, `guess ${i}`)).status).toBe(401);
    // the attacker's address is paused for this account, even with the right password...
    expectLimitedFor(await signIn(attacker, dave.username.toUpperCase(), dave.password), 900);
    // ...but not for another account
    const mallory = await member();
    expect((await signIn(attacker, mallory.username, mallory.password)).status).toBe(200);
    // dave, from his own address: signs in, and recovery is counted apart from sign-in
    const home = address();
    expect((await signIn(home, dave.username, dave.password)).status).toBe(200);
    const recovered = await t.http().post('/api/auth/recover').set('X-Forwarded-For', home).send({ username: dave.username, code: dave.codes[0], newPassword: 'a fresh password' });
    expect(recovered.status).toBe(200);
    expect((await signIn(home, dave.username, 'a fresh password')).status).toBe(200);
  });

  it('counts failures only, and a success clears them', async () => {
    const m = await member();
    const from = address();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 9; i++) expect((await signIn(from, m.username, `guess ${i}`)).status).toBe(401);
      expect((await signIn(from, m.username, m.password)).status).toBe(200);
    }
    // successes never counted: many in a row are all fine
    for (let i = 0; i < 12; i++) expect((await signIn(from, m.username, m.password)).status).toBe(200);
  });

  it('believes only the address the proxy added, not one the client wrote before it', async () => {
    const m = await member();
    const attacker = address();
    // each attempt claims a new address in front; the proxy's own entry (the last) stays the attacker's
    for (let i = 0; i < 10; i++) expect((await signIn(`${address()}, ${attacker}`, m.username, `guess ${i}`)).status).toBe(401);
    expectLimitedFor(await signIn(`${address()}, ${attacker}`, m.username, m.password), 900);
  });

  it('pauses one address that fails on many accounts', async () => {
    const from = address();
    for (let i = 0; i < 30; i++) expect((await signIn(from, uniqueName('nobody'), 'password1')).status).toBe(401);
    const m = await member();
    expectLimitedFor(await signIn(from, m.username, m.password), 900);
    expect((await signIn(address(), m.username, m.password)).status).toBe(200);
  });
});

// a tenth of the allowances: 1 failure per account and address, 3 per address, a ceiling of 5 per account
describe('the per-account ceiling on sign-in failures', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ RATE_LIMIT_SCALE: '0.1', TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await t.close();
  });

  const signIn = (from: string, username: string, password: string) => t.http().post('/api/auth/login').set('X-Forwarded-For', from).send({ username, password });

  it('past the ceiling, pauses addresses the account never signed in from, never the owner\'s own', async () => {
    const owner = await registerMember(t);
    const home = '192.0.2.10';
    expect((await signIn(home, owner.username, owner.password)).status).toBe(200);
    for (let i = 1; i <= 6; i++) expect((await signIn(`203.0.113.${i}`, owner.username, `guess ${i}`)).status).toBe(401);
    // the sixth failure was one past the ceiling of five: a short pause for any new address, the right password included
    expectLimitedFor(await signIn('203.0.113.50', owner.username, owner.password), 2);
    // the owner's own address is never paused by strangers, and the owner's success lifts the pause
    expect((await signIn(home, owner.username, owner.password)).status).toBe(200);
    expect((await signIn('203.0.113.51', owner.username, owner.password)).status).toBe(200);
  });
});

const shared = await requireServices('rate limits shared across instances', { redis: true, postgres: true });

(shared ? describe : describe.skip)('rate limits across instances', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const env = { RATE_LIMIT_SCALE: '1', ...clusterEnv() };
    a = await startApp(env);
    b = await startApp(env);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('counts sign-in failures on every instance together, in Redis', async () => {
    const m = await registerMember(a);
    for (let i = 0; i < 10; i++) {
      const target = i % 2 ? a : b;
      expect((await target.http().post('/api/auth/login').send({ username: m.username, password: 'wrong password' })).status).toBe(401);
    }
    expect((await a.http().post('/api/auth/login').send({ username: m.username, password: m.password })).status).toBe(429);
    expect((await b.http().post('/api/auth/login').send({ username: m.username, password: m.password })).status).toBe(429);
  });
});
