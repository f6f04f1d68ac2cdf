import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from './support/sockets.js';
import { Member, registerMember, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';

/** The value of one sample line, e.g. `setback_socket_connections 2`, or undefined when absent. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('GET /api/metrics', () => {
  let t: TestApp;
  let m: Member;
  beforeAll(async () => {
    t = await startApp();
    m = await registerMember(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers Prometheus text with request durations labelled by route template, never by raw id', async () => {
    const s = await createStory(t, m);
    await createReply(t, m, s.id);
    expect((await t.http().get(`/api/threads/${s.id}`).set('Cookie', m.cookie)).status).toBe(200);
    expect((await t.http().get(`/api/threads/${s.id}/replies?limit=20`).set('Cookie', m.cookie)).status).toBe(200);
    expect((await t.http().get(`/api/threads/${s.id}`)).status).toBe(401); // refused by the guard: still timed, same template
    expect((await t.http().get(`/api/no-such-thing/${s.id}`)).status).toBe(404);
    // refused by a middleware before any route matched: timed all the same
    expect((await t.http().post('/api/threads').set('Cookie', m.cookie).set('Origin', 'https://elsewhere.example').send({})).status).toBe(403);

    const res = await t.http().get('/api/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.text;
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/threads\/:id",status_code="200"\} 1\n/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/threads\/:id",status_code="401"\} 1\n/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/threads\/:id\/replies",status_code="200"\} 1\n/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/api\/threads\/:id\/replies",status_code="201"\} 1\n/);
    expect(text).toMatch(/status_code="404"\} 1\n/); // an unknown address: a catch-all template, never the path asked for
    expect(text).not.toContain('no-such-thing');
    expect(text).toMatch(/http_request_duration_seconds_count\{method="POST",route="\(unmatched\)",status_code="403"\} 1\n/);
    // no label ever carries an id or a query string
    expect(text).not.toContain(s.id);
    expect(text).not.toContain('limit=20');
    // the default Node metrics of this app's own registry, the fan-out histogram and the socket gauge
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('# TYPE setback_fanout_seconds histogram');
    expect(sample(text, 'setback_socket_connections')).toBe(0);
  });

  it('counts open sockets', async () => {
    const a = await connect(t, m.cookie);
    const b = await connect(t, m.cookie);
    try {
      const text = (await t.http().get('/api/metrics')).text;
      expect(sample(text, 'setback_socket_connections')).toBe(2);
    } finally {
      a.close();
      b.close();
    }
  });

  it('times the fan-out of every new reply, from its commit to the push to the story\'s readers', async () => {
    const s = await createStory(t, m);
    const before = sample((await t.http().get('/api/metrics')).text, 'setback_fanout_seconds_count') ?? 0;
    await createReply(t, m, s.id);
    await createReply(t, m, s.id);
    let after = before;
    for (let i = 0; i < 100 && after < before + 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
      after = sample((await t.http().get('/api/metrics')).text, 'setback_fanout_seconds_count') ?? 0;
    }
    expect(after).toBe(before + 2);
  });

  it('reports the PostgreSQL pool when there is one', async () => {
    const text = (await t.http().get('/api/metrics')).text;
    expect(text).toContain('# TYPE setback_db_pool_connections gauge');
    if (!t.db.embedded) expect(sample(text, 'setback_db_pool_connections', '{state="total"}')).toBeGreaterThanOrEqual(1);
  });
});

describe('GET /api/metrics without METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    // a trusted proxy makes req.ip whatever X-Forwarded-For says: the check must look at the socket instead
    t = await startApp({ TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers a direct request from this machine', async () => {
    expect((await t.http().get('/api/metrics')).status).toBe(200);
  });

  it.each([
    ['X-Forwarded-For', '127.0.0.1'],
    ['X-Forwarded-For', '203.0.113.7'],
    ['Forwarded', 'for=127.0.0.1'],
    ['X-Real-IP', '127.0.0.1'],
  ])('refuses a request relayed by a proxy (%s: %s)', async (header, value) => {
    const res = await t.http().get('/api/metrics').set(header, value);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
    expect(res.text).not.toContain('http_request_duration_seconds');
  });
});

describe('GET /api/metrics with METRICS_TOKEN', () => {
  let t: TestApp;
  const token = 'bench-and-prometheus-only-0123456789';
  beforeAll(async () => {
    t = await startApp({ METRICS_TOKEN: token });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a scrape without the bearer token', async () => {
    const res = await t.http().get('/api/metrics');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
    expect(typeof res.body.message).toBe('string');
    expect((await t.http().get('/api/metrics').set('Authorization', 'Bearer wrong-token')).status).toBe(401);
    expect((await t.http().get('/api/metrics').set('Authorization', token)).status).toBe(401);
  });

  it('answers with the bearer token, through a proxy too', async () => {
    const res = await t.http().get('/api/metrics').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect((await t.http().get('/api/metrics').set('Authorization', `Bearer ${token}`).set('X-Forwarded-For', '203.0.113.7')).status).toBe(200);
    expect(res.text).toContain('http_request_duration_seconds');
  });
});
