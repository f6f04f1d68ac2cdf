import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerMember, startApp, TestApp, uniqueName } from './support/app.js';

describe('usernames', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const register = (username: string) => t.http().post('/api/auth/register').send({ username, password: 'long enough', acceptGuidelines: true, confirmAge: true });

  it.each([
    ['modern', 'rnodern'],
    ['will_o', 'wiII_0'],
    ['cool', 'c0o1'],
    ['wiva', 'vviva'],
    ['anna', 'an_na'],
    ['dara', 'clara'],
    ['wendy', 'VVendy'],
    ['alan', '4lan'],
    ['bob', '8o8'],
  ])('refuses %s look-alike %s', async (first, second) => {
    const suffix = uniqueName('x').slice(-6).replace(/[^a-z]/g, 'q');
    expect((await register(`${first}${suffix}`)).status).toBe(201);
    const res = await register(`${second}${suffix}`);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('USERNAME_TAKEN');
  });

  it.each(['zero\u200bwidth', 'bidi\u202eevil', 'ｆｕｌｌｗｉｄｔｈ', 'tab\tname'])('refuses invisible or full-width characters in %j', async (username) => {
    expect((await register(username)).status).toBe(400);
  });
});

describe('overload shedding', () => {
  let t: TestApp;
  beforeAll(async () => {
    // any lag at all counts as overload here, so shedding is certain within two windows
    t = await startApp({ OVERLOAD_LAG_MS: '0.001' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers new reads with a fast 503 while health and writes still work', async () => {
    const m = await registerMember(t);
    // block the event loop a little so the measured lag is above the (tiny) threshold
    const until = Date.now() + 2500;
    while (Date.now() < until) {
      const end = Date.now() + 30;
      while (Date.now() < end);
      await new Promise((r) => setTimeout(r, 5));
    }
    const read = await t.http().get('/api/threads').set('Cookie', m.cookie);
    expect(read.status).toBe(503);
    expect(read.headers['retry-after']).toBe('2');
    expect(read.body.code).toBe('UNAVAILABLE');
    expect((await t.http().get('/api/health')).status).toBe(200);
    expect((await t.http().post('/api/threads').set('Cookie', m.cookie).send({ title: 'Still writing', category: 'work', happened: 'Writes are never shed by overload.' })).status).toBe(201);
  });
});
