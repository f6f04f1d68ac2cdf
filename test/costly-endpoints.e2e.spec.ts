import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LIMITS } from '../src/common/rate-limit.js';
import { Member, registerMember, startApp, TestApp } from './support/app.js';
import { createStory } from './support/factories.js';

// At RATE_LIMIT_SCALE=1: the real allowances. Each member signs up from an address of its own (behind a trusted
// proxy), so the sign-up allowance per address does not limit how many members the tests may use; one app, so this
// also holds on the embedded database, where every app has a database of its own.
describe('the preview and the safety check', () => {
  let t: TestApp;
  let addresses = 0;
  const newMember = (): Promise<Member> => registerMember(t, {}, { 'X-Forwarded-For': `198.51.100.${++addresses}` });
  beforeAll(async () => {
    t = await startApp({ RATE_LIMIT_SCALE: '1', TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const expectLimited = (res: { status: number; headers: Record<string, string>; body: { code: string; retryAfter: number } }) => {
    expect({ status: res.status, code: res.body.code, retryAfter: res.body.retryAfter }).toEqual({ status: 429, code: 'RATE_LIMITED', retryAfter: Number(res.headers['retry-after']) });
    expect(res.body.retryAfter).toBeGreaterThan(0);
  };

  /** Uses up a member's allowance on a route, a batch at a time; every request within it answers 200. */
  const useUp = async (m: Member, path: string, body: Record<string, string>, points: number) => {
    for (let done = 0; done < points; ) {
      const batch = Math.min(25, points - done);
      const statuses = await Promise.all(Array.from({ length: batch }, () => t.http().post(path).set('Cookie', m.cookie).send(body).then((r) => r.status)));
      expect(statuses).toEqual(Array(batch).fill(200));
      done += batch;
    }
  };

  it.each([
    ['/api/preview', { markdown: 'Some *words*' }, LIMITS['preview.render'].points],
    ['/api/safety/check', { text: 'Some words' }, LIMITS['safety.check'].points],
  ] as const)('limits %s per member: 429 with Retry-After past the allowance, others unaffected', async (path, body, points) => {
    const m = await newMember();
    await useUp(m, path, body, points);
    expectLimited(await t.http().post(path).set('Cookie', m.cookie).send(body));
    const other = await newMember();
    expect((await t.http().post(path).set('Cookie', other.cookie).send(body)).status).toBe(200);
  });

  it('limits the reply box\'s check per member like the other cheap checks', async () => {
    const author = await newMember();
    const story = await createStory(t, author, { replyMode: 'listening' });
    const path = `/api/threads/${story.id}/replies/check`;
    const body = { body: 'Have you tried a walk?' };
    const m = await newMember();
    await useUp(m, path, body, LIMITS['reply.check'].points);
    expectLimited(await t.http().post(path).set('Cookie', m.cookie).send(body));
    expect((await t.http().post(path).set('Cookie', author.cookie).send(body)).status).toBe(200);
  });

  it('answers pathological markdown as plain text, in the preview and when publishing', async () => {
    const m = await newMember();
    for (const n of [5000, 10_000]) {
      const markdown = '*_'.repeat(n);
      const res = await t.http().post('/api/preview').set('Cookie', m.cookie).send({ markdown });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ html: `<p>${markdown}</p>`, formatted: false });
    }
    const ordinary = await t.http().post('/api/preview').set('Cookie', m.cookie).send({ markdown: 'Some *words*' });
    expect(ordinary.body).toEqual({ html: '<p>Some <em>words</em></p>', formatted: true });
    expect((await t.http().post('/api/preview').set('Cookie', m.cookie).send({ markdown: '*'.repeat(20_001) })).status).toBe(400);

    // publishing renders the same way
    const heavy = '*_'.repeat(2000);
    const story = await createStory(t, m, { happened: heavy });
    expect((await t.http().get(`/api/threads/${story.id}`).set('Cookie', m.cookie)).body.happenedHtml).toBe(`<p>${heavy}</p>`);

    const check = await t.http().post('/api/safety/check').set('Cookie', m.cookie).send({ text: '*_ i '.repeat(12_000) });
    expect(check.status).toBe(200);
    expect(check.body.crisis).toBe(false);
  });
});
