import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Member, registerMember, setRole, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';

/**
 * Finding stories (issue 15): the lessons index, similar stories and the "Waiting for a first reply" list, over HTTP.
 * Test files share one database: every story here carries a made-up word of this run, and lists are filtered to it.
 */
describe('finding stories', () => {
  let t: TestApp;
  let ann: Member;
  let bob: Member;
  let cat: Member;
  let mod: Member;
  // letters only, so the full-text parser keeps it one word
  const word = (): string => `zq${randomBytes(6).toString('hex').replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)])}`;

  beforeAll(async () => {
    t = await startApp();
    [ann, bob, cat, mod] = [await registerMember(t), await registerMember(t), await registerMember(t), await registerMember(t)];
    await setRole(t, mod.id, 'moderator');
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  const get = (m: Member, path: string) => t.http().get(path).set('Cookie', m.cookie);

  /** Every page of a list, for as long as it has a next cursor (bounded). */
  async function all<T>(m: Member, path: string, limit = 50): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 200; i++) {
      const sep = path.includes('?') ? '&' : '?';
      const res = await get(m, `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      items.push(...(res.body.items as T[]));
      cursor = res.body.nextCursor;
      if (!cursor) return items;
    }
    throw new Error('too many pages');
  }

  describe('GET /api/lessons', () => {
    interface Lesson {
      threadId: string;
      title: string;
      author: { id?: string; username?: string; pseudonym?: string };
      learnedHtml: string;
      helped: number;
      category: string;
    }

    it('lists the "what I learned" part of every story a member may read, searchable and sorted by helped or recency', async () => {
      const w = word();
      const s1 = await createStory(t, ann, { title: `Lesson one ${w}`, learned: `Ask for **help** early about ${w}.`, category: 'work' });
      const s2 = await createStory(t, bob, { title: `Lesson two ${w}`, learned: `Sleep before the ${w} exam.`, category: 'school', anonymous: true });
      const s3 = await createStory(t, cat, { title: `Lesson three ${w}`, learned: `Write it down: ${w}.`, category: 'work' });
      const noLesson = await createStory(t, cat, { title: `No lesson ${w}`, learned: '' });
      // two readers found s3 helpful, one s2
      for (const m of [ann, bob]) expect((await t.http().put(`/api/threads/${s3.id}/reactions/helped`).set('Cookie', m.cookie)).status).toBe(200);
      expect((await t.http().put(`/api/threads/${s2.id}/reactions/helped`).set('Cookie', ann.cookie)).status).toBe(200);
      // a reaction of another kind does not count
      expect((await t.http().put(`/api/threads/${s1.id}/reactions/thanks`).set('Cookie', bob.cookie)).status).toBe(200);

      const found = await all<Lesson>(cat, `/api/lessons?q=${w}`, 2);
      expect(found.map((l) => l.threadId).sort()).toEqual([s1.id, s2.id, s3.id].sort());
      expect(found.map((l) => l.threadId)).not.toContain(noLesson.id);
      const one = found.find((l) => l.threadId === s1.id)!;
      expect(one).toMatchObject({ title: `Lesson one ${w}`, category: 'work', author: { id: ann.id, username: ann.username }, helped: 0 });
      expect(one.learnedHtml).toContain('<strong>help</strong>');
      // an anonymous story keeps its pseudonym, and nothing else about its author
      const anon = found.find((l) => l.threadId === s2.id)!;
      expect(Object.keys(anon.author)).toEqual(expect.arrayContaining(['pseudonym']));
      expect(anon.author.id).toBeUndefined();
      expect(JSON.stringify(anon)).not.toContain(bob.username);

      const helped = await all<Lesson>(cat, `/api/lessons?q=${w}&sort=helped`, 1);
      expect(helped.map((l) => [l.threadId, l.helped])).toEqual([[s3.id, 2], [s2.id, 1], [s1.id, 0]]);
      const recent = await all<Lesson>(cat, `/api/lessons?q=${w}&sort=recent`, 2);
      expect(recent.map((l) => l.threadId)).toEqual([s3.id, s2.id, s1.id]);
      const school = await all<Lesson>(cat, `/api/lessons?q=${w}&category=school`);
      expect(school.map((l) => l.threadId)).toEqual([s2.id]);

      // taking a reaction back counts down; a reply its author marked as having helped them most counts up
      expect((await t.http().delete(`/api/threads/${s3.id}/reactions/helped`).set('Cookie', bob.cookie)).status).toBe(200);
      const reply = await createReply(t, bob, s1.id, { body: 'What helped me was a walk every morning.' });
      expect((await t.http().put(`/api/threads/${s1.id}/highlights/${reply.id}`).set('Cookie', ann.cookie)).status).toBeLessThan(300);
      let after = await all<Lesson>(cat, `/api/lessons?q=${w}&sort=helped`);
      expect(after.map((l) => [l.threadId, l.helped])).toEqual([[s3.id, 1], [s2.id, 1], [s1.id, 1]].sort((a, b) => (a[0]! < b[0]! ? 1 : -1)));
      expect((await t.http().delete(`/api/threads/${s1.id}/highlights/${reply.id}`).set('Cookie', ann.cookie)).status).toBeLessThan(300);
      after = await all<Lesson>(cat, `/api/lessons?q=${w}&sort=helped`);
      expect(after.find((l) => l.threadId === s1.id)!.helped).toBe(0);
    });

    it('weighs the lesson above the title when searching', async () => {
      const w = word();
      const inTitle = await createStory(t, ann, { title: `Title about ${w}`, learned: 'Something else entirely.' });
      const inLesson = await createStory(t, ann, { title: 'A title with nothing in it', learned: `The ${w} taught me to slow down.` });
      const found = await all<Lesson>(bob, `/api/lessons?q=${w}`);
      expect(found.map((l) => l.threadId)).toEqual([inLesson.id, inTitle.id]);
    });

    it('leaves out what the viewer may not read: hidden, pending, deleted, a blocked member\'s named story (not an anonymous one)', async () => {
      const w = word();
      const writer = await registerMember(t);
      const reader = await registerMember(t);
      const visible = await createStory(t, ann, { title: `Visible ${w}`, learned: `Visible ${w}.` });
      const hidden = await createStory(t, ann, { title: `Hidden ${w}`, learned: `Hidden ${w}.` });
      expect((await t.http().post(`/api/mod/threads/${hidden.id}/hide`).set('Cookie', mod.cookie).send({ reason: 'test' })).status).toBe(200);
      const deleted = await createStory(t, ann, { title: `Deleted ${w}`, learned: `Deleted ${w}.` });
      expect((await t.http().delete(`/api/threads/${deleted.id}`).set('Cookie', ann.cookie)).status).toBe(204);
      const pending = await createStory(t, ann, { title: `Pending ${w}`, learned: `Pending ${w}.` });
      await t.db.dataSource.query(`UPDATE threads SET status = 'pending' WHERE id = $1`, [pending.id]);
      const named = await createStory(t, writer, { title: `Named ${w}`, learned: `Named ${w}.` });
      const anonymous = await createStory(t, writer, { title: `Anonymous ${w}`, learned: `Anonymous ${w}.`, anonymous: true });
      expect((await t.http().put(`/api/users/${writer.username}/block`).set('Cookie', reader.cookie)).status).toBe(200);

      const ids = (await all<Lesson>(reader, `/api/lessons?q=${w}&sort=recent`)).map((l) => l.threadId);
      expect(ids).toEqual([anonymous.id, visible.id]);
      expect((await all<Lesson>(bob, `/api/lessons?q=${w}&sort=recent`)).map((l) => l.threadId)).toEqual([anonymous.id, named.id, visible.id]);
    });

    it('refuses bad input with field errors', async () => {
      for (const q of ['sort=best', 'limit=0', 'limit=51', 'q=' + 'x'.repeat(201), 'sort=relevant']) {
        const res = await get(ann, `/api/lessons?${q}`);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(res.body.errors?.length).toBeGreaterThan(0);
      }
      expect((await get(ann, '/api/lessons?category=nope')).status).toBe(400);
      const bad = await get(ann, '/api/lessons?cursor=garbage');
      expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_CURSOR']);
      // a cursor of one order is refused by another
      const page = await get(ann, '/api/lessons?sort=helped&limit=1');
      expect(page.body.nextCursor).toEqual(expect.any(String));
      const other = await get(ann, `/api/lessons?sort=recent&cursor=${encodeURIComponent(page.body.nextCursor)}`);
      expect([other.status, other.body.code]).toEqual([400, 'INVALID_CURSOR']);
      expect((await t.http().get('/api/lessons')).status).toBe(401);
    });
  });

  describe('similar stories', () => {
    interface Item {
      id: string;
      title: string;
      author: { id?: string; username?: string; pseudonym?: string };
    }
    const similar = async (m: Member, text: string, limit = 10): Promise<Item[]> => {
      const res = await get(m, `/api/threads/similar?text=${encodeURIComponent(text)}&limit=${limit}`);
      expect(res.status).toBe(200);
      return res.body.items;
    };

    it('finds stories like a draft, most similar first, and never the viewer\'s own, hidden, pending, deleted or a blocked member\'s named ones', async () => {
      const w = word();
      const v = word();
      const viewer = await registerMember(t);
      const writer = await registerMember(t);
      const story = (title: string, happened: string) => ({ title, happened, learned: '', handled: '' });
      const close = await createStory(t, ann, story(`Lost the ${w} ${v} contract`, `The ${w} ${v} contract fell through after a year of work on it.`));
      const loose = await createStory(t, bob, story(`A quiet ${w} summer`, `Nothing much to do with contracts: a ${w} summer spent alone.`));
      const own = await createStory(t, viewer, story(`Lost the ${w} ${v} contract too`, `My own ${w} ${v} contract fell through as well.`));
      const hidden = await createStory(t, ann, story(`Lost the ${w} ${v} contract, hidden`, `The ${w} ${v} contract fell through.`));
      expect((await t.http().post(`/api/mod/threads/${hidden.id}/hide`).set('Cookie', mod.cookie).send({ reason: 'test' })).status).toBe(200);
      const deleted = await createStory(t, ann, story(`Lost the ${w} ${v} contract, deleted`, `The ${w} ${v} contract fell through.`));
      expect((await t.http().delete(`/api/threads/${deleted.id}`).set('Cookie', ann.cookie)).status).toBe(204);
      const pending = await createStory(t, ann, story(`Lost the ${w} ${v} contract, pending`, `The ${w} ${v} contract fell through.`));
      await t.db.dataSource.query(`UPDATE threads SET status = 'pending' WHERE id = $1`, [pending.id]);
      const named = await createStory(t, writer, story(`Lost the ${w} ${v} contract, named`, `The ${w} ${v} contract fell through.`));
      const anonymous = await createStory(t, writer, { ...story(`Lost the ${w} ${v} contract, anonymous`, `The ${w} ${v} contract fell through.`), anonymous: true });
      expect((await t.http().put(`/api/users/${writer.username}/block`).set('Cookie', viewer.cookie)).status).toBe(200);

      const draft = `Lost the ${w} ${v} contract\n\nThe ${w} ${v} contract I had worked on fell through.`;
      const items = await similar(viewer, draft);
      const mine = items.filter((i) => i.title.includes(w));
      const ids = mine.map((i) => i.id);
      expect(ids).toEqual(expect.arrayContaining([close.id, anonymous.id, loose.id]));
      for (const gone of [own.id, hidden.id, deleted.id, pending.id, named.id]) expect(ids).not.toContain(gone);
      // most similar first: the story about the same contract before the one that only shares a word
      expect(ids.indexOf(close.id)).toBeLessThan(ids.indexOf(loose.id));
      // an anonymous story shows only its pseudonym, to everyone, whatever they blocked
      const anon = mine.find((i) => i.id === anonymous.id)!;
      expect(anon.author.pseudonym).toEqual(expect.any(String));
      expect(anon.author.id).toBeUndefined();
      expect(JSON.stringify(items)).not.toContain(writer.username);
      // someone who blocked nobody sees the named one; its author never sees their own
      expect((await similar(bob, draft)).map((i) => i.id)).toEqual(expect.arrayContaining([named.id, close.id, own.id]));
      expect((await similar(writer, draft)).map((i) => i.id)).not.toEqual(expect.arrayContaining([named.id]));
      expect((await similar(writer, draft)).map((i) => i.id)).not.toContain(anonymous.id);
      // limit: at most as many as asked
      expect((await similar(bob, draft, 2)).length).toBe(2);
    });

    it('under a story: stories like it, never itself, and 404 for a story the viewer may not read', async () => {
      const w = word();
      const a = await createStory(t, ann, { title: `The ${w} bakery closed`, happened: `Our ${w} bakery closed after two winters of losses.` });
      const b = await createStory(t, bob, { title: `My ${w} bakery closed too`, happened: `The ${w} bakery I ran closed in the spring.` });
      const res = await get(cat, `/api/threads/${a.id}/similar`);
      expect(res.status).toBe(200);
      const ids = res.body.items.map((i: Item) => i.id);
      expect(ids).toContain(b.id);
      expect(ids).not.toContain(a.id);
      expect(res.body.items.length).toBeLessThanOrEqual(5);
      const hidden = await createStory(t, ann, { title: `The ${w} shop, hidden`, happened: `Our ${w} shop closed after two winters of losses.` });
      expect((await t.http().post(`/api/mod/threads/${hidden.id}/hide`).set('Cookie', mod.cookie).send({ reason: 'test' })).status).toBe(200);
      expect((await get(cat, `/api/threads/${hidden.id}/similar`)).status).toBe(404);
      expect((await get(cat, `/api/threads/not-a-uuid/similar`)).status).toBe(404);
    });

    it('refuses empty or huge text and a limit outside 1–10, and is not read as a story id', async () => {
      for (const q of ['', 'text=', 'text=%20%20%20', `text=${'a'.repeat(2001)}`, 'text=hello&limit=11', 'text=hello&limit=0', 'text=hello&limit=x']) {
        const res = await get(ann, `/api/threads/similar?${q}`);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(res.body.errors?.[0]?.field).toEqual(expect.any(String));
      }
      // a text of nothing but small words finds what it can, without failing
      const small = await get(ann, `/api/threads/similar?text=${encodeURIComponent('a an the of it')}`);
      expect(small.status).toBe(200);
      expect(Array.isArray(small.body.items)).toBe(true);
      // a text of symbols that are tsquery syntax is only text
      expect((await get(ann, `/api/threads/similar?text=${encodeURIComponent("!&|():* 'quoted' <-> \\")}`)).status).toBe(200);
      expect((await t.http().get('/api/threads/similar?text=hello')).status).toBe(401);
    });
  });

  describe('GET /api/threads?filter=unanswered', () => {
    interface Item {
      id: string;
    }
    const waiting = async (m: Member): Promise<string[]> => (await all<Item>(m, '/api/threads?filter=unanswered')).map((i) => i.id);

    it('lists published stories no one but their author has answered, oldest first', async () => {
      const w = word();
      const first = await createStory(t, ann, { title: `Waiting first ${w}` });
      const second = await createStory(t, bob, { title: `Waiting second ${w}` });
      const third = await createStory(t, cat, { title: `Waiting third ${w}`, anonymous: true });
      let ids = (await waiting(cat)).filter((id) => [first.id, second.id, third.id].includes(id));
      expect(ids).toEqual([first.id, second.id, third.id]);

      // the author's own reply does not count, named or under the story's pseudonym
      await createReply(t, ann, first.id, { body: 'Adding a little more.' });
      await createReply(t, cat, third.id, { body: 'And more, under my pseudonym.' });
      ids = await waiting(bob);
      expect(ids).toEqual(expect.arrayContaining([first.id, third.id]));
      // a reply from anyone else takes the story off the list
      await createReply(t, bob, first.id, { body: 'I hear you.' });
      await createReply(t, ann, third.id, { body: 'Me too.', anonymous: true });
      ids = await waiting(bob);
      expect(ids).not.toContain(first.id);
      expect(ids).not.toContain(third.id);
      expect(ids).toContain(second.id);
    });

    it('a deleted, hidden or held reply does not count; the story comes back when its only answer goes', async () => {
      const w = word();
      const story = await createStory(t, ann, { title: `Boundaries ${w}` });
      const reply = await createReply(t, bob, story.id, { body: 'Sending strength.' });
      expect(await waiting(cat)).not.toContain(story.id);
      // the only answer is hidden by a moderator: members see no reply, so the story waits again
      expect((await t.http().post(`/api/mod/replies/${reply.id}/hide`).set('Cookie', mod.cookie).send({ reason: 'test' })).status).toBe(200);
      expect(await waiting(cat)).toContain(story.id);
      expect((await t.http().post(`/api/mod/replies/${reply.id}/unhide`).set('Cookie', mod.cookie).send({})).status).toBe(200);
      expect(await waiting(cat)).not.toContain(story.id);
      // deleted by its writer
      expect((await t.http().delete(`/api/replies/${reply.id}`).set('Cookie', bob.cookie)).status).toBe(204);
      expect(await waiting(cat)).toContain(story.id);
      // a reply waiting for a moderator does not count until it is approved
      // (a watched word of this run's own holds it)
      const hold = word();
      const added = await t.http().post('/api/mod/watched-words').set('Cookie', mod.cookie).send({ pattern: hold, action: 'hold' });
      expect(added.status).toBe(201);
      const held = await createReply(t, cat, story.id, { body: `Held for review: ${hold}.` });
      expect(held.status).toBe('pending');
      expect(await waiting(bob)).toContain(story.id);
      expect((await t.http().post(`/api/mod/queue/${held.id}/approve`).set('Cookie', mod.cookie).send({})).status).toBe(200);
      expect(await waiting(bob)).not.toContain(story.id);
      expect((await t.http().delete(`/api/mod/watched-words/${added.body.id}`).set('Cookie', mod.cookie)).status).toBeLessThan(300);
    });

    it('never lists hidden, deleted, pending or a blocked member\'s named stories; pages with a cursor; refuses bad input', async () => {
      const w = word();
      const writer = await registerMember(t);
      const reader = await registerMember(t);
      const named = await createStory(t, writer, { title: `Named waiting ${w}` });
      const anonymous = await createStory(t, writer, { title: `Anonymous waiting ${w}`, anonymous: true });
      const hidden = await createStory(t, ann, { title: `Hidden waiting ${w}` });
      expect((await t.http().post(`/api/mod/threads/${hidden.id}/hide`).set('Cookie', mod.cookie).send({ reason: 'test' })).status).toBe(200);
      const pending = await createStory(t, ann, { title: `Pending waiting ${w}` });
      await t.db.dataSource.query(`UPDATE threads SET status = 'pending' WHERE id = $1`, [pending.id]);
      expect((await t.http().put(`/api/users/${writer.username}/block`).set('Cookie', reader.cookie)).status).toBe(200);
      const ids = await waiting(reader);
      expect(ids).toContain(anonymous.id);
      for (const gone of [named.id, hidden.id, pending.id]) expect(ids).not.toContain(gone);

      // pages of one follow each other without gaps or repeats, oldest first: checked on this test's own stories
      // (more than a page of them), as other files add and answer stories on the shared database while it pages
      const pager = await registerMember(t);
      const mine: string[] = [];
      for (let i = 0; i < 9; i++) mine.push((await createStory(t, pager, { title: `Paged waiting ${w} ${i}` })).id);
      const paged = (await all<Item>(bob, '/api/threads?filter=unanswered', 7)).map((i) => i.id);
      expect(new Set(paged).size).toBe(paged.length);
      expect(paged.filter((id) => mine.includes(id))).toEqual(mine);

      expect((await get(ann, '/api/threads?filter=waiting')).status).toBe(400);
      expect((await get(ann, '/api/threads?filter=unanswered&q=hello')).status).toBe(400);
      const front = await get(ann, '/api/threads?limit=1');
      const mixed = await get(ann, `/api/threads?filter=unanswered&cursor=${encodeURIComponent(front.body.nextCursor)}`);
      expect([mixed.status, mixed.body.code]).toEqual([400, 'INVALID_CURSOR']);
    });
  });
});
