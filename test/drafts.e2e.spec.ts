import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Member, registerMember, startApp, TestApp } from './support/app.js';

describe('drafts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const put = (m: Member, key: string, body: unknown) => t.http().put(`/api/drafts/${key}`).set('Cookie', m.cookie).send(body as object);
  const list = (m: Member) => t.http().get('/api/drafts').set('Cookie', m.cookie);
  const del = (m: Member, key: string) => t.http().delete(`/api/drafts/${key}`).set('Cookie', m.cookie);
  const count = async (m: Member): Promise<number> => (await t.db.dataSource.query('SELECT count(*)::int AS n FROM drafts WHERE user_id = $1', [m.id]))[0].n;

  it('saves, lists, overwrites and deletes a draft', async () => {
    const m = await registerMember(t);
    expect((await list(m)).body).toEqual({ items: [], nextCursor: null });

    const story = { title: 'The launch', happened: 'It fell over.', nested: { list: [1, 'two', null, { three: true }], n: 1.5 }, anonymous: false };
    const first = await put(m, 'new-story', { data: story });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ key: 'new-story', data: story, updatedAt: expect.any(String) });
    expect(Number.isNaN(Date.parse(first.body.updatedAt))).toBe(false);

    const reply = await put(m, 'reply_42', { data: { body: 'hang in there' } });
    expect(reply.status).toBe(200);

    const listed = await list(m);
    expect(listed.status).toBe(200);
    expect(listed.body.nextCursor).toBeNull();
    expect(listed.body.items.map((d: { key: string }) => d.key)).toEqual(['reply_42', 'new-story']); // newest first
    expect(listed.body.items[1]).toEqual(first.body);

    const again = await put(m, 'new-story', { data: { title: 'The launch, take two' } });
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual({ title: 'The launch, take two' });
    expect(Date.parse(again.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(first.body.updatedAt));
    const relisted = await list(m);
    expect(relisted.body.items).toHaveLength(2);
    expect(relisted.body.items[0]).toEqual(again.body); // the overwrite moved it to the top

    expect((await del(m, 'new-story')).status).toBe(204);
    expect((await list(m)).body.items.map((d: { key: string }) => d.key)).toEqual(['reply_42']);
    const gone = await del(m, 'new-story');
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('NOT_FOUND');
  });

  it.each([
    ['too long', 'k'.repeat(65)],
    ['a dot', 'my.draft'],
    ['a space', 'my%20draft'],
    ['a non-ASCII letter', '%C3%A9t%C3%A9'],
    ['a NUL', 'a%00b'],
  ])('rejects a key with %s with 400 naming key', async (_, key) => {
    const m = await registerMember(t);
    for (const res of [await put(m, key, { data: { a: 1 } }), await del(m, key)]) {
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'key' })]);
    }
    expect(await count(m)).toBe(0);
  });

  it('accepts keys of 1 and 64 letters, digits, _ and -', async () => {
    const m = await registerMember(t);
    expect((await put(m, 'a', { data: {} })).status).toBe(200);
    expect((await put(m, `A-z_9${'x'.repeat(59)}`, { data: {} })).status).toBe(200);
    expect(await count(m)).toBe(2);
  });

  it.each([
    ['an array', { data: [1, 2] }],
    ['null', { data: null }],
    ['a string', { data: 'my story' }],
    ['a number', { data: 7 }],
    ['missing', {}],
  ])('rejects data that is %s with 400 naming data', async (_, body) => {
    const m = await registerMember(t);
    const res = await put(m, 'k', body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'data' })]);
    expect(await count(m)).toBe(0);
  });

  it('rejects an unknown top-level field, but keeps any shape inside data', async () => {
    const m = await registerMember(t);
    const res = await put(m, 'k', { data: {}, extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'extra', message: 'extra is not a known field' }]);
    expect(await count(m)).toBe(0);
    const free = await put(m, 'k', { data: { anything: { goes: ['here'] }, extra: 1 } });
    expect(free.status).toBe(200);
    expect(free.body.data).toEqual({ anything: { goes: ['here'] }, extra: 1 });
  });

  it('refuses data over 64 KiB with 413 and keeps what was saved before', async () => {
    const m = await registerMember(t);
    expect((await put(m, 'big', { data: { text: 'small' } })).status).toBe(200);
    const fits = await put(m, 'big', { data: { text: 'x'.repeat(64 * 1024 - 20) } }); // {"text":"…"} is 11 bytes more
    expect(fits.status).toBe(200);
    const res = await put(m, 'big', { data: { text: 'x'.repeat(64 * 1024) } });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/too large/) });
    // multi-byte characters count by their UTF-8 size
    expect((await put(m, 'wide', { data: { text: 'é'.repeat(33_000) } })).status).toBe(413);
    const kept = (await list(m)).body.items;
    expect(kept).toHaveLength(1);
    expect(kept[0].data.text).toHaveLength(64 * 1024 - 20);
  });

  it.each([
    ['a value', { text: 'before\u0000after' }],
    ['a nested value', { parts: [{ body: 'a\u0000' }] }],
    ['a key', { 'bad\u0000key': 1 }],
  ])('rejects a NUL character in %s with 400', async (_, data) => {
    const m = await registerMember(t);
    const res = await put(m, 'nul', { data });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'data' })]);
    expect(await count(m)).toBe(0);
  });

  it('keeps at most 20 drafts, but always lets one be updated', async () => {
    const m = await registerMember(t);
    for (let i = 0; i < 20; i++) expect((await put(m, `d${i}`, { data: { i } })).status).toBe(200);
    const extra = await put(m, 'd20', { data: { i: 20 } });
    expect(extra.status).toBe(409);
    expect(extra.body).toMatchObject({ statusCode: 409, code: 'CONFLICT', message: expect.stringMatching(/20 drafts/) });
    expect(await count(m)).toBe(20);

    const update = await put(m, 'd3', { data: { i: 'three' } });
    expect(update.status).toBe(200);
    expect(update.body.data).toEqual({ i: 'three' });
    const all = (await list(m)).body.items;
    expect(all).toHaveLength(20);
    expect(all[0].key).toBe('d3');

    // once one is deleted there is room again
    expect((await del(m, 'd0')).status).toBe(204);
    expect((await put(m, 'd20', { data: { i: 20 } })).status).toBe(200);
  });

  it("lets a reply's draft take the place of the oldest reply draft at the limit, never of a story's", async () => {
    const m = await registerMember(t);
    const thread = (n: number) => `reply-00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    for (let i = 0; i < 17; i++) expect((await put(m, `story${i}`, { data: { title: `s${i}` } })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await put(m, thread(i), { data: { body: `r${i}` } })).status).toBe(200);
    expect(await count(m)).toBe(20);
    // the oldest reply draft was touched last: it is no longer the oldest
    expect((await put(m, thread(0), { data: { body: 'r0 again' } })).status).toBe(200);

    const fourth = await put(m, thread(3), { data: { body: 'r3' } });
    expect(fourth.status).toBe(200);
    const keys = ((await list(m)).body.items as { key: string }[]).map((d) => d.key);
    expect(keys).toHaveLength(20);
    expect(keys).not.toContain(thread(1));
    expect(keys).toEqual(expect.arrayContaining([thread(0), thread(2), thread(3), ...Array.from({ length: 17 }, (_, i) => `story${i}`)]));

    // a reply draft over 64 KiB is refused like any other, and the one saved before stays
    const big = await put(m, thread(3), { data: { body: 'x'.repeat(64 * 1024) } });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(((await list(m)).body.items as { key: string; data: { body: string } }[]).find((d) => d.key === thread(3))?.data.body).toBe('r3');
    expect(await count(m)).toBe(20);
  });

  it('refuses a reply draft with 409 when all 20 drafts are stories', async () => {
    const m = await registerMember(t);
    for (let i = 0; i < 20; i++) expect((await put(m, `story${i}`, { data: { i } })).status).toBe(200);
    const res = await put(m, 'reply-00000000-0000-4000-8000-000000000001', { data: { body: 'hello' } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CONFLICT');
    expect(await count(m)).toBe(20);
  });

  it('never lets several saves at once go past 20', async () => {
    const m = await registerMember(t);
    for (let i = 0; i < 18; i++) await put(m, `d${i}`, { data: {} });
    const results = await Promise.all(['x1', 'x2', 'x3', 'x4', 'x5'].map((k) => put(m, k, { data: {} })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    expect(results.filter((r) => r.status === 409)).toHaveLength(3);
    expect(await count(m)).toBe(20);
  });

  it("keeps each member's drafts to themselves", async () => {
    const a = await registerMember(t);
    const b = await registerMember(t);
    expect((await put(a, 'story', { data: { secret: 'only mine' } })).status).toBe(200);

    expect((await list(b)).body.items).toEqual([]);
    const stolen = await del(b, 'story');
    expect(stolen.status).toBe(404);
    expect(stolen.body.code).toBe('NOT_FOUND');

    // the same key is a separate draft in B's own space
    expect((await put(b, 'story', { data: { secret: 'B wrote this' } })).status).toBe(200);
    const mine = (await list(a)).body.items;
    expect(mine).toHaveLength(1);
    expect(mine[0].data).toEqual({ secret: 'only mine' });
    expect((await list(b)).body.items.map((d: { data: unknown }) => d.data)).toEqual([{ secret: 'B wrote this' }]);

    expect((await del(b, 'story')).status).toBe(204);
    expect((await list(a)).body.items[0].data).toEqual({ secret: 'only mine' });
  });

  it('is for members only', async () => {
    for (const res of [
      await t.http().get('/api/drafts'),
      await t.http().put('/api/drafts/k').send({ data: {} }),
      await t.http().delete('/api/drafts/k'),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    }
  });
});
