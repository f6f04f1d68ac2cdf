import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, TestApp, uniqueName } from './support/app.js';

describe('errors and input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const users = async (username?: string): Promise<number> => (await t.db.dataSource.query('SELECT count(*)::int AS n FROM users WHERE username_key = lower($1)', [username ?? '']))[0].n;
  const register = { password: 'long enough', acceptGuidelines: true, confirmAge: true };

  it('rejects an unknown field with 400 naming it', async () => {
    const username = uniqueName();
    const res = await t.http().post('/api/auth/register').send({ ...register, username, role: 'admin' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect(res.body.errors).toEqual([{ field: 'role', message: 'role is not a known field' }]);
    expect(await users(username)).toBe(0);
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await t.http().post('/api/auth/register').set('Content-Type', 'application/json').send('{"username": "abc",');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'The request body is not valid JSON.' });
  });

  it.each([['an array', '[1,2,3]'], ['a bare string', '"hello"'], ['null', 'null'], ['deep nesting', '['.repeat(5000) + ']'.repeat(5000)]])(
    'rejects %s as a body with 400',
    async (_, body) => {
      const res = await t.http().post('/api/auth/login').set('Content-Type', 'application/json').send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    },
  );

  it('rejects a body over 16 kB on auth routes with 413', async () => {
    const res = await t.http().post('/api/auth/register').send({ ...register, username: uniqueName(), password: 'x'.repeat(20_000) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await t.http().get('/api/no/such/thing');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/json/);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it('needs a session for members-only routes', async () => {
    const res = await t.http().get('/api/auth/me');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, code: 'UNAUTHENTICATED', message: expect.any(String) });
  });

  it('marks every response noindex and hides the framework', async () => {
    const res = await t.http().get('/api/health');
    expect(res.headers['x-robots-tag']).toBe('noindex, nofollow');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('reports liveness and readiness', async () => {
    expect((await t.http().get('/api/health')).body).toEqual({ status: 'ok' });
    const ready = await t.http().get('/api/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
  });

  it('serves the OpenAPI description', async () => {
    const res = await t.http().get('/api/docs-json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/auth/register', '/api/auth/login']));
  });

  it('never answers garbage with a 500', async () => {
    const attempts = [
      t.http().post('/api/auth/login').set('Content-Type', 'application/json').send('{"username":{"$gt":""},"password":[]}'),
      t.http().post('/api/auth/login').set('Content-Type', 'text/plain').send('username=a'),
      t.http().post('/api/auth/login').send({ username: 'a\u0000b', password: 'x\u0000' }),
      t.http().get('/api/auth/me').set('Cookie', 'setback_session=' + 'x'.repeat(4000)),
      t.http().get('/api/%E0%A4%A'),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.code).toEqual(expect.any(String));
    }
  });
});

describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends a strict Content-Security-Policy and no referrer', async () => {
    const res = await t.http().get('/api/health');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['strict-transport-security']).toBeUndefined(); // plain http here
  });
});
