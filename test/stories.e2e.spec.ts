import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Member, registerMember, setRole, startApp, TestApp } from './support/app.js';
import { createReply, createStory, storyBody } from './support/factories.js';

describe('stories', () => {
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

  it('lists the eight categories', async () => {
    const res = await t.http().get('/api/categories').set('Cookie', ann.cookie);
    expect(res.status).toBe(200);
    expect(res.body.map((c: { name: string }) => c.name)).toEqual([
      'Work & career', 'School & learning', 'Relationships', 'Health', 'Money', 'Creative work', 'Business & startups', 'Everyday life',
    ]);
  });

  it('needs an account to read', async () => {
    const s = await createStory(t, ann);
    expect((await t.http().get('/api/threads')).status).toBe(401);
    expect((await t.http().get(`/api/threads/${s.id}`)).status).toBe(401);
    expect((await t.http().get('/api/categories')).status).toBe(401);
  });

  it('posts a three-part story rendered to sanitized HTML, with sources for the author only', async () => {
    const res = await t.http().post('/api/threads').set('Cookie', ann.cookie).send(
      storyBody({ happened: 'I **failed** the exam. [notes](https://example.com/x) <script>alert(1)</script>', contentWarning: 'exam stress' }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      title: 'The job I did not get', category: 'work', anonymous: false, author: { id: ann.id, username: ann.username },
      contentWarning: 'exam stress', locked: false, pinned: false, replyCount: 0, reactions: { relate: 0, thanks: 0, helped: 0 }, myReactions: [], editedAt: null,
    });
    expect(res.body.happenedHtml).toContain('<strong>failed</strong>');
    expect(res.body.happenedHtml).toContain('<a href="https://example.com/x" rel="nofollow ugc noopener">notes</a>');
    expect(res.body.happenedHtml).not.toContain('<script');
    expect(res.body.happened).toContain('**failed**');
    const asBob = await t.http().get(`/api/threads/${res.body.id}`).set('Cookie', bob.cookie);
    expect(asBob.status).toBe(200);
    expect(asBob.body.happenedHtml).toBe(res.body.happenedHtml);
    expect(asBob.body.happened).toBeUndefined();
  });

  it.each([
    ['title', { title: 'abc' }],
    ['title', { title: 'x'.repeat(151) }],
    ['happened', { happened: 'too short' }],
    ['happened', { happened: 'x'.repeat(20_001) }],
    ['handled', { handled: 'x'.repeat(20_001) }],
    ['learned', { learned: 42 }],
    ['contentWarning', { contentWarning: 'x'.repeat(101) }],
    ['anonymous', { anonymous: 'yes' }],
    ['category', { category: 'nonsense' }],
    ['category', { category: undefined }],
    ['happened', { happened: 'NUL bytes are not text \u0000 at all, no' }],
    ['title', { title: 'Title with \u0000 NUL' }],
    ['extra', { extra: 1 }],
  ])('rejects a bad %s with 400 and stores nothing', async (field, patch) => {
    // counted for this author only: other test files share the database in CI
    const before = (await t.db.dataSource.query('SELECT count(*)::int AS n FROM threads WHERE author_id = $1', [ann.id]))[0].n;
    const body = storyBody(patch) as Record<string, unknown>;
    if (patch[field as keyof typeof patch] === undefined) delete body[field];
    const res = await t.http().post('/api/threads').set('Cookie', ann.cookie).send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.body.errors)).toContain(field);
    expect((await t.db.dataSource.query('SELECT count(*)::int AS n FROM threads WHERE author_id = $1', [ann.id]))[0].n).toBe(before);
  });

  it('edits a story by its author, keeps a revision and shows editedAt; others get 403', async () => {
    const s = await createStory(t, ann);
    const byBob = await t.http().patch(`/api/threads/${s.id}`).set('Cookie', bob.cookie).send({ title: 'Hijacked title' });
    expect(byBob.status).toBe(403);
    const res = await t.http().patch(`/api/threads/${s.id}`).set('Cookie', ann.cookie).send({ learned: 'I learned to *ask* for help.', category: 'school' });
    expect(res.status).toBe(200);
    expect(res.body.learnedHtml).toContain('<em>ask</em>');
    expect(res.body.category).toBe('school');
    expect(res.body.editedAt).not.toBeNull();
    expect(res.body.title).toBe('The job I did not get');
    const revs = await t.db.dataSource.query(`SELECT data FROM revisions WHERE target_type = 'thread' AND target_id = $1`, [s.id]);
    expect(revs).toHaveLength(1);
    expect(revs[0].data.learned).toBe('Practising out loud with someone matters more than reading.');
    const anon = await t.http().patch(`/api/threads/${s.id}`).set('Cookie', ann.cookie).send({ anonymous: true });
    expect(anon.status).toBe(400);
    expect(anon.body.message).toMatch(/anonymous cannot be changed/);
  });

  it('soft-deletes: members then get 404, moderators still see it, the row stays', async () => {
    const s = await createStory(t, ann);
    expect((await t.http().delete(`/api/threads/${s.id}`).set('Cookie', bob.cookie)).status).toBe(403);
    expect((await t.http().delete(`/api/threads/${s.id}`).set('Cookie', ann.cookie)).status).toBe(204);
    expect((await t.http().get(`/api/threads/${s.id}`).set('Cookie', bob.cookie)).status).toBe(404);
    expect((await t.http().get(`/api/threads/${s.id}`).set('Cookie', ann.cookie)).status).toBe(404);
    const mod = await registerMember(t);
    await setRole(t, mod.id, 'moderator');
    const seen = await t.http().get(`/api/threads/${s.id}`).set('Cookie', mod.cookie);
    expect(seen.status).toBe(200);
    expect(seen.body.deleted).toBe(true);
    const list = await t.http().get('/api/threads?limit=50').set('Cookie', bob.cookie);
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(s.id);
    expect((await t.db.dataSource.query('SELECT count(*)::int AS n FROM threads WHERE id = $1', [s.id]))[0].n).toBe(1);
  });

  it.each(['not-a-uuid', '00000000-0000-0000-0000-000000000000', "1' OR '1'='1", 'null', 'undefined'])('answers 404 for the story id %s', async (id) => {
    const res = await t.http().get(`/api/threads/${encodeURIComponent(id)}`).set('Cookie', ann.cookie);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  it('lists pinned first, then by last activity, in keyset pages with a tamper-proof cursor', async () => {
    const m = await registerMember(t);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createStory(t, m, { category: 'creative', title: `Creative failure ${i}` })).id);
    await createReply(t, ann, ids[1]); // bumps story 1 to the top
    await t.db.dataSource.query('UPDATE threads SET pinned = true WHERE id = $1', [ids[3]]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await t.http().get('/api/threads').query({ category: 'creative', limit: 2, ...(cursor ? { cursor } : {}) }).set('Cookie', ann.cookie);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([ids[3], ids[1], ids[4], ids[2], ids[0]]);

    const first = await t.http().get('/api/threads?category=creative&limit=2').set('Cookie', ann.cookie);
    const tampered = first.body.nextCursor.replace(/^./, (c: string) => (c === 'e' ? 'f' : 'e'));
    for (const bad of [tampered, 'garbage', 'a.b', '%%%']) {
      const res = await t.http().get('/api/threads').query({ cursor: bad }).set('Cookie', ann.cookie);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_CURSOR');
    }
    for (const limit of ['0', '51', '-1', 'abc', '1.5']) {
      const res = await t.http().get('/api/threads').query({ limit }).set('Cookie', ann.cookie);
      expect(res.status).toBe(400);
    }
    expect((await t.http().get('/api/threads?category=nope').set('Cookie', ann.cookie)).status).toBe(400);
  });

  it('gives each list item what a list needs', async () => {
    const s = await createStory(t, ann, { category: 'money', contentWarning: 'debt' });
    await t.http().put(`/api/threads/${s.id}/reactions/relate`).set('Cookie', bob.cookie);
    const res = await t.http().get('/api/threads?category=money').set('Cookie', bob.cookie);
    const item = res.body.items.find((i: { id: string }) => i.id === s.id);
    expect(item).toMatchObject({
      title: 'The job I did not get', category: 'money', author: { id: ann.id, username: ann.username }, anonymous: false,
      contentWarning: 'debt', replyCount: 0, reactions: { relate: 1, thanks: 0, helped: 0 }, lastActivityAt: expect.any(String),
    });
    expect(item.excerpt).toMatch(/^I prepared for months/);
  });

  it('searches the three parts, ranks a title match first, and highlights safely', async () => {
    const m = await registerMember(t);
    const inLearned = await createStory(t, m, { title: 'A quiet morning', learned: 'I learned that perseverance matters more than talent.' });
    const inTitle = await createStory(t, m, { title: 'Perseverance after a failed launch', happened: 'Our product launch failed badly and nobody came at all.' });
    await createStory(t, m, { title: 'Something else', happened: 'Nothing to do with the word we look for, <b>really</b>.' });
    const res = await t.http().get('/api/threads').query({ q: 'perseverance' }).set('Cookie', ann.cookie);
    expect(res.status).toBe(200);
    const ids = res.body.items.map((i: { id: string }) => i.id);
    expect(ids).toContain(inLearned.id);
    expect(ids.indexOf(inTitle.id)).toBeLessThan(ids.indexOf(inLearned.id));
    const hit = res.body.items.find((i: { id: string }) => i.id === inLearned.id);
    expect(hit.excerptHtml).toMatch(/<mark>perseverance<\/mark>/i);
    expect(hit.excerpt).not.toContain('<mark>');
    const xss = await createStory(t, m, { title: 'Resilience <img src=x onerror=alert(1)>', happened: 'resilience <script>alert(1)</script> is a word I searched for.' });
    const found = await t.http().get('/api/threads').query({ q: 'resilience' }).set('Cookie', ann.cookie);
    const x = found.body.items.find((i: { id: string }) => i.id === xss.id);
    expect(x.excerptHtml).not.toMatch(/<(script|img)/i);
    expect(x.excerptHtml).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('pages search results with a cursor', async () => {
    const m = await registerMember(t);
    for (let i = 0; i < 5; i++) await createStory(t, m, { title: `Gardening mistake number ${i}`, happened: `My garden failed ${'again '.repeat(i + 1)} and the tomatoes died.` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await t.http().get('/api/threads').query({ q: 'tomatoes', limit: 2, ...(cursor ? { cursor } : {}) }).set('Cookie', ann.cookie);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });

  it('shows a profile with named stories only', async () => {
    const m = await registerMember(t);
    const named = await createStory(t, m);
    const anon = await createStory(t, m, { anonymous: true });
    const res = await t.http().get(`/api/users/${m.username}`).set('Cookie', ann.cookie);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: m.id, username: m.username, role: 'member' });
    const ids = res.body.stories.items.map((i: { id: string }) => i.id);
    expect(ids).toEqual([named.id]);
    expect(ids).not.toContain(anon.id);
    expect((await t.http().get('/api/users/nobody_here_x').set('Cookie', ann.cookie)).status).toBe(404);
  });

  it('lets the author pause and resume replies', async () => {
    const s = await createStory(t, ann);
    expect((await t.http().post(`/api/threads/${s.id}/pause`).set('Cookie', bob.cookie)).status).toBe(403);
    expect((await t.http().post(`/api/threads/${s.id}/pause`).set('Cookie', ann.cookie)).body.paused).toBe(true);
    const res = await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', bob.cookie).send({ body: 'hello' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('REPLIES_PAUSED');
    await t.http().post(`/api/threads/${s.id}/resume`).set('Cookie', ann.cookie);
    expect((await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', bob.cookie).send({ body: 'hello' })).status).toBe(201);
  });

  it('previews markdown exactly as publishing renders it, storing nothing', async () => {
    const res = await t.http().post('/api/preview').set('Cookie', ann.cookie).send({ markdown: '**bold** <script>x</script> [a](javascript:alert(1))' });
    expect(res.status).toBe(200);
    expect(res.body.html).toContain('<strong>bold</strong>');
    expect(res.body.html).not.toMatch(/<script|href="javascript/i);
    expect((await t.http().post('/api/preview').send({ markdown: 'x' })).status).toBe(401);
    expect((await t.http().post('/api/preview').set('Cookie', ann.cookie).send({ markdown: 42 })).status).toBe(400);
  });
});
