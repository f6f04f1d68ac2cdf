import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Member, registerMember, setRole, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';

describe('replies and reactions', () => {
  let t: TestApp;
  let ann: Member;
  let bob: Member;
  beforeAll(async () => {
    t = await startApp();
    ann = await registerMember(t);
    bob = await registerMember(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('posts a reply, lists it, edits it with a revision and deletes it into a placeholder', async () => {
    const s = await createStory(t, ann);
    const res = await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', bob.cookie).send({ body: 'You are **not** alone.' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ threadId: s.id, author: { id: bob.id, username: bob.username }, anonymous: false, status: 'published', deleted: false, editedAt: null });
    expect(res.body.id).toMatch(/^\d+$/);
    expect(res.body.bodyHtml).toBe('<p>You are <strong>not</strong> alone.</p>');

    expect((await t.http().patch(`/api/replies/${res.body.id}`).set('Cookie', ann.cookie).send({ body: 'defaced' })).status).toBe(403);
    expect((await t.http().delete(`/api/replies/${res.body.id}`).set('Cookie', ann.cookie)).status).toBe(403);
    const edited = await t.http().patch(`/api/replies/${res.body.id}`).set('Cookie', bob.cookie).send({ body: 'You are not alone. Edited.' });
    expect(edited.status).toBe(200);
    expect(edited.body.editedAt).not.toBeNull();
    const revs = await t.db.dataSource.query(`SELECT data FROM revisions WHERE target_type = 'reply' AND target_id = $1`, [res.body.id]);
    expect(revs.map((r: { data: { body: string } }) => r.data.body)).toEqual(['You are **not** alone.']);

    const thread = await t.http().get(`/api/threads/${s.id}`).set('Cookie', ann.cookie);
    expect(thread.body.replyCount).toBe(1);
    expect((await t.http().delete(`/api/replies/${res.body.id}`).set('Cookie', bob.cookie)).status).toBe(204);
    const list = await t.http().get(`/api/threads/${s.id}/replies`).set('Cookie', ann.cookie);
    expect(list.body.items).toEqual([{ id: res.body.id, threadId: s.id, deleted: true }]);
    expect((await t.http().get(`/api/threads/${s.id}`).set('Cookie', ann.cookie)).body.replyCount).toBe(0);
    expect((await t.http().patch(`/api/replies/${res.body.id}`).set('Cookie', bob.cookie).send({ body: 'again' })).status).toBe(404);
  });

  it.each([
    ['body', { body: '' }],
    ['body', { body: '   ' }],
    ['body', { body: 'x'.repeat(10_001) }],
    ['body', { body: 'nul \u0000 byte' }],
    ['body', { body: ['array'] }],
    ['clientKey', { body: 'ok', clientKey: 'short' }],
    ['clientKey', { body: 'ok', clientKey: 12345678 }],
    ['extra', { body: 'ok', extra: true }],
  ])('rejects a bad %s with 400 and stores nothing', async (field, body) => {
    const s = await createStory(t, ann);
    const res = await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', bob.cookie).send(body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.errors)).toContain(field);
    expect((await t.db.dataSource.query('SELECT count(*)::int AS n FROM replies WHERE thread_id = $1', [s.id]))[0].n).toBe(0);
  });

  it('answers 404 for replies to a missing, deleted or hidden story and 409 to a locked one', async () => {
    const s = await createStory(t, ann);
    expect((await t.http().post(`/api/threads/${randomUUID()}/replies`).set('Cookie', bob.cookie).send({ body: 'hi' })).status).toBe(404);
    expect((await t.http().post(`/api/threads/not-an-id/replies`).set('Cookie', bob.cookie).send({ body: 'hi' })).status).toBe(404);
    await t.db.dataSource.query('UPDATE threads SET locked = true WHERE id = $1', [s.id]);
    const locked = await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', bob.cookie).send({ body: 'hi' });
    expect(locked.status).toBe(409);
    expect(locked.body.code).toBe('THREAD_LOCKED');
    await t.db.dataSource.query('UPDATE threads SET locked = false, hidden = true WHERE id = $1', [s.id]);
    expect((await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', bob.cookie).send({ body: 'hi' })).status).toBe(404);
    expect((await t.http().get(`/api/threads/${s.id}/replies`).set('Cookie', bob.cookie)).status).toBe(404);
    const s2 = await createStory(t, ann);
    await t.http().delete(`/api/threads/${s2.id}`).set('Cookie', ann.cookie);
    expect((await t.http().post(`/api/threads/${s2.id}/replies`).set('Cookie', bob.cookie).send({ body: 'hi' })).status).toBe(404);
  });

  it('returns the first reply with 200 when the same clientKey is sent again, even when the two race', async () => {
    const s = await createStory(t, ann);
    const clientKey = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', bob.cookie).send({ body: 'Sent twice by a shaky connection', clientKey })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect((await t.db.dataSource.query('SELECT count(*)::int AS n FROM replies WHERE thread_id = $1', [s.id]))[0].n).toBe(1);
    expect((await t.http().get(`/api/threads/${s.id}`).set('Cookie', ann.cookie)).body.replyCount).toBe(1);
    // another member may use the same key: keys are per author
    expect((await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', ann.cookie).send({ body: 'mine', clientKey })).status).toBe(201);
  });

  it('pages 1,000 replies 50 at a time with after: every reply exactly once, in order', async () => {
    const s = await createStory(t, ann);
    // seeded in bulk: the paging is under test here, not 1,000 HTTP posts
    await t.db.dataSource.query(
      `INSERT INTO replies (thread_id, author_id, body_md, body_html) SELECT $1, $2, 'r' || g, '<p>r' || g || '</p>' FROM generate_series(1, 1000) g`,
      [s.id, bob.id],
    );
    const ids: string[] = [];
    let after = '0';
    let pages = 0;
    for (;;) {
      const res = await t.http().get(`/api/threads/${s.id}/replies`).query({ after, limit: 50 }).set('Cookie', ann.cookie);
      expect(res.status).toBe(200);
      pages++;
      ids.push(...res.body.items.map((r: { id: string }) => r.id));
      if (!res.body.nextCursor) break;
      after = res.body.nextCursor;
    }
    expect(pages).toBe(20);
    expect(ids).toHaveLength(1000);
    expect(new Set(ids).size).toBe(1000);
    const sorted = [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    expect(ids).toEqual(sorted);
    for (const bad of ['-1', 'abc', '1e5', '99999999999999999999']) {
      expect((await t.http().get(`/api/threads/${s.id}/replies`).query({ after: bad }).set('Cookie', ann.cookie)).status).toBe(400);
    }
  });

  it('keeps reply_count exact and ids in visible order under concurrent posting', async () => {
    const s = await createStory(t, ann);
    const writers = await Promise.all([registerMember(t), registerMember(t), registerMember(t)]);
    await Promise.all(writers.flatMap((w) => Array.from({ length: 10 }, (_, i) => createReply(t, w, s.id, { body: `reply ${i}` }))));
    const thread = await t.http().get(`/api/threads/${s.id}`).set('Cookie', ann.cookie);
    expect(thread.body.replyCount).toBe(30);
    const [{ n }] = await t.db.dataSource.query('SELECT count(*)::int AS n FROM replies WHERE thread_id = $1', [s.id]);
    expect(n).toBe(30);
  });

  it('sanitizes every payload of the XSS list in replies', async () => {
    const { XSS_PAYLOADS } = await import('./support/xss-payloads.js');
    const s = await createStory(t, ann);
    for (const body of XSS_PAYLOADS) {
      const res = await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', bob.cookie).send({ body });
      if (body.includes('\u0000')) {
        expect(res.status).toBe(400); // NUL is refused outright
        continue;
      }
      expect(res.status).toBe(201);
      const html: string = res.body.bodyHtml;
      expect(html).not.toMatch(/<(script|iframe|object|embed|svg|img|style|math|form|base|meta)\b/i);
      expect(html).not.toMatch(/<[^>]+\son\w+\s*=/i);
      expect(html).not.toMatch(/<[^>]+\sstyle\s*=/i);
      for (const m of html.matchAll(/<a\s[^>]*href="([^"]*)"/g)) expect(m[1]).toMatch(/^(https?:|mailto:)/i);
    }
  });

  it('reacts idempotently with supportive kinds only', async () => {
    const s = await createStory(t, ann);
    const r = await createReply(t, bob, s.id);
    const put = () => t.http().put(`/api/threads/${s.id}/reactions/thanks`).set('Cookie', bob.cookie);
    expect((await put()).body).toEqual({ reactions: { relate: 0, thanks: 1, helped: 0 }, myReactions: ['thanks'] });
    expect((await put()).body).toEqual({ reactions: { relate: 0, thanks: 1, helped: 0 }, myReactions: ['thanks'] });
    const other = await t.http().put(`/api/threads/${s.id}/reactions/helped`).set('Cookie', ann.cookie);
    expect(other.body).toEqual({ reactions: { relate: 0, thanks: 1, helped: 1 }, myReactions: ['helped'] });
    const del = await t.http().delete(`/api/threads/${s.id}/reactions/thanks`).set('Cookie', bob.cookie);
    expect(del.body).toEqual({ reactions: { relate: 0, thanks: 0, helped: 1 }, myReactions: [] });
    expect((await t.http().delete(`/api/threads/${s.id}/reactions/thanks`).set('Cookie', bob.cookie)).status).toBe(200);
    expect((await t.http().put(`/api/threads/${s.id}/reactions/downvote`).set('Cookie', bob.cookie)).status).toBe(400);

    const onReply = await t.http().put(`/api/replies/${r.id}/reactions/relate`).set('Cookie', ann.cookie);
    expect(onReply.body).toEqual({ reactions: { relate: 1, thanks: 0, helped: 0 }, myReactions: ['relate'] });
    const listed = await t.http().get(`/api/threads/${s.id}/replies`).set('Cookie', ann.cookie);
    expect(listed.body.items[0]).toMatchObject({ reactions: { relate: 1, thanks: 0, helped: 0 }, myReactions: ['relate'] });
    expect((await t.http().put(`/api/replies/99999999/reactions/relate`).set('Cookie', ann.cookie)).status).toBe(404);
    expect((await t.http().put(`/api/replies/abc/reactions/relate`).set('Cookie', ann.cookie)).status).toBe(404);
  });

  it('hides a blocked member from the blocker and stops them replying to the blocker\'s named stories', async () => {
    const carl = await registerMember(t);
    const named = await createStory(t, ann, { category: 'health' });
    const anon = await createStory(t, ann, { category: 'health', anonymous: true });
    const carlStory = await createStory(t, carl, { category: 'health' });
    const early = await createReply(t, carl, named.id, { body: 'before the block' });
    expect((await t.http().put(`/api/users/${carl.username}/block`).set('Cookie', ann.cookie)).status).toBe(200);

    const list = await t.http().get('/api/threads?category=health&limit=50').set('Cookie', ann.cookie);
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(carlStory.id);
    expect((await t.http().get(`/api/threads/${carlStory.id}`).set('Cookie', ann.cookie)).status).toBe(404);
    const replies = await t.http().get(`/api/threads/${named.id}/replies`).set('Cookie', ann.cookie);
    expect(replies.body.items).toEqual([{ id: early.id, threadId: named.id, deleted: false, blocked: true }]);
    expect(JSON.stringify(replies.body)).not.toContain('before the block');

    const refused = await t.http().post(`/api/threads/${named.id}/replies`).set('Cookie', carl.cookie).send({ body: 'let me in' });
    expect(refused.status).toBe(403);
    // on an anonymous story the reply is taken, so the block does not reveal who wrote it, and hidden from the author
    const accepted = await t.http().post(`/api/threads/${anon.id}/replies`).set('Cookie', carl.cookie).send({ body: 'hello anonymous' });
    expect(accepted.status).toBe(201);
    const annView = await t.http().get(`/api/threads/${anon.id}/replies`).set('Cookie', ann.cookie);
    expect(JSON.stringify(annView.body)).not.toContain('hello anonymous');
    // others still see everything
    expect((await t.http().get(`/api/threads/${named.id}/replies`).set('Cookie', bob.cookie)).body.items[0].bodyHtml).toContain('before the block');
    await t.http().delete(`/api/users/${carl.username}/block`).set('Cookie', ann.cookie);
    expect((await t.http().get(`/api/threads/${carlStory.id}`).set('Cookie', ann.cookie)).status).toBe(200);
  });

  it('lets moderators see deleted stories that members cannot', async () => {
    const mod = await registerMember(t);
    await setRole(t, mod.id, 'moderator');
    const s = await createStory(t, ann);
    const r = await createReply(t, bob, s.id, { body: 'to be removed' });
    await t.http().delete(`/api/replies/${r.id}`).set('Cookie', bob.cookie);
    const modView = await t.http().get(`/api/threads/${s.id}/replies`).set('Cookie', mod.cookie);
    expect(modView.body.items[0]).toMatchObject({ id: r.id, removed: true });
  });
});
