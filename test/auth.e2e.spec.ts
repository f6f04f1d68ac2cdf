import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerMember, sessionCookie, startApp, TestApp, uniqueName } from './support/app.js';
import { connect } from './support/sockets.js';

describe('accounts and sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('registers, signs in, tells who I am and signs out', async () => {
    const username = uniqueName('Round');
    const reg = await t.http().post('/api/auth/register').send({ username, password: 'correct horse', acceptGuidelines: true, confirmAge: true });
    expect(reg.status).toBe(201);
    expect(reg.body).toEqual({ id: expect.any(String), username, role: 'member', createdAt: expect.any(String), recoveryCodes: expect.any(Array) });
    expect(reg.body.passwordHash).toBeUndefined();
    const setCookie = (reg.headers['set-cookie'] as unknown as string[]).join(';');
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i);

    const login = await t.http().post('/api/auth/login').send({ username: username.toLowerCase(), password: 'correct horse' });
    expect(login.status).toBe(200);
    const cookie = sessionCookie(login);
    expect(cookie).not.toBe(sessionCookie(reg)); // a new session per sign-in

    const me = await t.http().get('/api/auth/me').set('Cookie', cookie);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: reg.body.id, username, role: 'member', unreadNotifications: 0 });

    const out = await t.http().post('/api/auth/logout').set('Cookie', cookie);
    expect(out.status).toBe(204);
    const after = await t.http().get('/api/auth/me').set('Cookie', cookie);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('UNAUTHENTICATED');
    // the other session is untouched
    expect((await t.http().get('/api/auth/me').set('Cookie', sessionCookie(reg))).status).toBe(200);
  });

  it('stores only a hash of the session token and an argon2id hash of the password', async () => {
    const m = await registerMember(t);
    const token = m.cookie.split('=')[1];
    const rows = await t.db.dataSource.query('SELECT s.token_hash, u.password_hash FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.id = $1', [m.id]);
    expect(rows[0].token_hash).not.toContain(token);
    expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('refuses a username taken in another case with 409', async () => {
    const m = await registerMember(t);
    const res = await t.http().post('/api/auth/register').send({ username: m.username.toUpperCase(), password: 'another pass', acceptGuidelines: true, confirmAge: true });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, code: 'USERNAME_TAKEN' });
  });

  const valid = { username: 'valid_name', password: 'long enough', acceptGuidelines: true, confirmAge: true };
  it.each([
    ['username', { username: 'ab' }],
    ['username', { username: 'x'.repeat(33) }],
    ['username', { username: 'has space' }],
    ['username', { username: 'émile' }],
    ['username', { username: 42 }],
    ['username', { username: undefined }],
    ['password', { password: 'short' }],
    ['password', { password: 'p'.repeat(257) }],
    ['password', { password: undefined }],
    ['acceptGuidelines', { acceptGuidelines: false }],
    ['acceptGuidelines', { acceptGuidelines: 'yes' }],
    ['acceptGuidelines', { acceptGuidelines: undefined }],
    ['confirmAge', { confirmAge: false }],
    ['confirmAge', { confirmAge: undefined }],
  ])('rejects a bad %s with 400 naming the field (%j)', async (field, patch) => {
    const body = { ...valid, username: uniqueName('v'), ...patch } as Record<string, unknown>;
    // counted by this name only: other test files share the database in CI
    const named = () => t.db.dataSource.query('SELECT count(*)::int AS n FROM users WHERE username_key = lower($1)', [String(body.username)]);
    const before = await named();
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    const res = await t.http().post('/api/auth/register').send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(res.body.message).toContain(field);
    const after = await named();
    expect(after[0].n).toBe(before[0].n);
  });

  it('answers a wrong password and an unknown user with the same 401', async () => {
    const m = await registerMember(t);
    const wrong = await t.http().post('/api/auth/login').send({ username: m.username, password: 'not the password' });
    const unknown = await t.http().post('/api/auth/login').send({ username: uniqueName('ghost'), password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('makes a cookie useless after logout, and a forged one never works', async () => {
    const m = await registerMember(t);
    expect((await t.http().post('/api/auth/logout').set('Cookie', m.cookie)).status).toBe(204);
    expect((await t.http().get('/api/auth/me').set('Cookie', m.cookie)).status).toBe(401);
    expect((await t.http().post('/api/auth/logout').set('Cookie', m.cookie)).status).toBe(401);
    expect((await t.http().get('/api/auth/me').set('Cookie', 'setback_session=forged')).status).toBe(401);
  });

  it('logs out every session with logout-all, and a password change ends the others', async () => {
    const m = await registerMember(t);
    const second = sessionCookie(await t.http().post('/api/auth/login').send({ username: m.username, password: m.password }));
    expect((await t.http().post('/api/auth/logout-all').set('Cookie', m.cookie)).status).toBe(204);
    expect((await t.http().get('/api/auth/me').set('Cookie', second)).status).toBe(401);

    const a = sessionCookie(await t.http().post('/api/auth/login').send({ username: m.username, password: m.password }));
    const b = sessionCookie(await t.http().post('/api/auth/login').send({ username: m.username, password: m.password }));
    const wrong = await t.http().post('/api/auth/password').set('Cookie', a).send({ current: 'nope', next: 'a brand new one' });
    expect(wrong.status).toBe(401);
    expect((await t.http().post('/api/auth/password').set('Cookie', a).send({ current: m.password, next: 'a brand new one' })).status).toBe(204);
    expect((await t.http().get('/api/auth/me').set('Cookie', a)).status).toBe(200);
    expect((await t.http().get('/api/auth/me').set('Cookie', b)).status).toBe(401);
    expect((await t.http().post('/api/auth/login').send({ username: m.username, password: 'a brand new one' })).status).toBe(200);
  });

  it('refuses a cross-site POST even with a valid cookie', async () => {
    const m = await registerMember(t);
    const byOrigin = await t.http().post('/api/auth/logout').set('Cookie', m.cookie).set('Origin', 'https://evil.example');
    expect(byOrigin.status).toBe(403);
    expect(byOrigin.body.code).toBe('CROSS_SITE');
    const byFetchMeta = await t.http().post('/api/auth/logout').set('Cookie', m.cookie).set('Sec-Fetch-Site', 'cross-site');
    expect(byFetchMeta.status).toBe(403);
    // the session survived both attempts, and a same-origin request still works
    expect((await t.http().get('/api/auth/me').set('Cookie', m.cookie)).status).toBe(200);
    const sameOrigin = await t.http().post('/api/auth/logout').set('Cookie', m.cookie).set('Origin', t.url).set('Sec-Fetch-Site', 'same-origin');
    expect(sameOrigin.status).toBe(204);
  });

  it('tells no cache to keep an API answer: signed-in reads, writes and refusals are all no-store', async () => {
    const m = await registerMember(t);
    for (const path of ['/api/auth/me', '/api/drafts', '/api/notifications', '/api/threads']) {
      const res = await t.http().get(path).set('Cookie', m.cookie);
      expect([path, res.status]).toEqual([path, 200]);
      expect([path, res.headers['cache-control']]).toEqual([path, 'no-store']);
    }
    expect((await t.http().post('/api/auth/login').send({ username: m.username, password: m.password })).headers['cache-control']).toBe('no-store');
    expect((await t.http().get('/api/auth/me')).headers['cache-control']).toBe('no-store');
  });

  it('serves the community guidelines to visitors', async () => {
    const res = await t.http().get('/api/guidelines');
    expect(res.status).toBe(200);
    expect(res.body.text).toMatch(/kind/i);
  });
});

describe('the session cookie on an https site', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ PUBLIC_ORIGIN: 'https://setback.example' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('is named with the __Host- prefix, Secure on path / without a Domain, and read by REST and the socket handshake', async () => {
    const reg = await t.http().post('/api/auth/register').send({ username: uniqueName('host'), password: 'correct horse', acceptGuidelines: true, confirmAge: true });
    expect(reg.status).toBe(201);
    const set = (reg.headers['set-cookie'] as unknown as string[]).find((c) => c.includes('setback_session='));
    expect(set).toMatch(/^__Host-setback_session=[^;]+;/);
    expect(set).toMatch(/; Secure/i);
    expect(set).toMatch(/; Path=\/(;|$)/);
    expect(set).not.toMatch(/Domain=/i);
    const cookie = set!.split(';')[0];
    expect((await t.http().get('/api/auth/me').set('Cookie', cookie)).status).toBe(200);
    // the same token under the plain name is not a session here: a sibling host could have planted that one
    expect((await t.http().get('/api/auth/me').set('Cookie', cookie.replace(/^__Host-/, ''))).status).toBe(401);
    const socket = await connect(t, cookie, { origin: 'https://setback.example' });
    socket.close();
    await expect(connect(t, cookie.replace(/^__Host-/, ''), { origin: 'https://setback.example' })).rejects.toThrow();

    const out = await t.http().post('/api/auth/logout').set('Cookie', cookie);
    expect(out.status).toBe(204);
    const cleared = (out.headers['set-cookie'] as unknown as string[]).join('\n');
    expect(cleared).toMatch(/^__Host-setback_session=;.*Path=\/.*Secure/im);
  });
});
