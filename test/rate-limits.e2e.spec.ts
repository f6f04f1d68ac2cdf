import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { registerMember, startApp, TestApp, uniqueName } from './support/app.js';
import { createStory } from './support/factories.js';
import { REDIS_URL, requireServices } from './support/services.js';

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

  it('limits sign-in attempts per account, without locking out the right password elsewhere', async () => {
    const m = await registerMember(t);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await t.http().post('/api/auth/login').set('X-Forwarded-For', `10.0.0.${i}`).send({ username: m.username, password: 'wrong password' })).status);
    expect(statuses.every((s) => s === 401)).toBe(true);
    expectLimited(await t.http().post('/api/auth/login').send({ username: m.username.toUpperCase(), password: m.password }));
    // another account is unaffected
    const other = await registerMember(t);
    expect((await t.http().post('/api/auth/login').send({ username: other.username, password: other.password })).status).toBe(200);
  });

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

const shared = await requireServices('rate limits shared across instances', { redis: true, postgres: true });

(shared ? describe : describe.skip)('rate limits across instances', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const env = { RATE_LIMIT_SCALE: '1', REDIS_URL, REDIS_PREFIX: `setback-test-${randomBytes(4).toString('hex')}:`, APP_SECRET: randomBytes(32).toString('hex') };
    a = await startApp(env);
    b = await startApp(env);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('counts sign-in attempts on every instance together, in Redis', async () => {
    const m = await registerMember(a);
    for (let i = 0; i < 10; i++) {
      const target = i % 2 ? a : b;
      expect((await target.http().post('/api/auth/login').send({ username: m.username, password: 'wrong password' })).status).toBe(401);
    }
    expect((await a.http().post('/api/auth/login').send({ username: m.username, password: m.password })).status).toBe(429);
    expect((await b.http().post('/api/auth/login').send({ username: m.username, password: m.password })).status).toBe(429);
  });
});
