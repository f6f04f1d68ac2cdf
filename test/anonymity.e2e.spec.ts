import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Member, registerMember, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';

describe('anonymous posting', () => {
  let t: TestApp;
  let author: Member;
  let reader: Member;
  let other: Member;
  beforeAll(async () => {
    t = await startApp();
    author = await registerMember(t);
    reader = await registerMember(t);
    other = await registerMember(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('never reveals the account behind an anonymous story or reply in any response', async () => {
    const story = await createStory(t, author, { anonymous: true, title: 'Zanzibarian failure story', category: 'relationships' });
    const own1 = await createReply(t, author, story.id, { body: 'Thank you all, truly.' });
    const own2 = await createReply(t, author, story.id, { body: 'One more thing I wanted to add.', anonymous: false });
    const readerReply = await createReply(t, reader, story.id, { body: 'Sending you strength.' });
    const named = await createStory(t, other, { title: 'A named story', category: 'relationships' });
    const anonReplyElsewhere = await createReply(t, author, named.id, { body: 'Been there too.', anonymous: true });

    const bodies: string[] = [];
    const get = async (path: string, cookie = reader.cookie) => {
      const res = await t.http().get(path).set('Cookie', cookie);
      expect(res.status).toBe(200);
      bodies.push(JSON.stringify(res.body));
      return res.body;
    };
    const thread = await get(`/api/threads/${story.id}`);
    const replies = await get(`/api/threads/${story.id}/replies`);
    await get('/api/threads?category=relationships');
    await get('/api/threads');
    await get('/api/threads?q=Zanzibarian');
    await get(`/api/threads/${named.id}/replies`, other.cookie);
    const reacted = await t.http().put(`/api/replies/${own1.id}/reactions/thanks`).set('Cookie', reader.cookie);
    bodies.push(JSON.stringify(reacted.body));

    for (const body of bodies) {
      expect(body).not.toContain(author.username);
      expect(body).not.toContain(author.id);
    }

    // the author's own profile names them, of course, but lists none of their anonymous posts
    const profile = (await t.http().get(`/api/users/${author.username}`).set('Cookie', reader.cookie)).body;
    expect(JSON.stringify(profile)).not.toContain(story.id);
    expect(JSON.stringify(profile)).not.toContain('Zanzibarian');

    // the story's pseudonym is stable: the author's replies carry it, marked as the author, even if they asked to be named
    const pseudonym = thread.author.pseudonym;
    expect(pseudonym).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
    expect(thread.author).toEqual({ pseudonym, isAuthor: true });
    const byId = new Map(replies.items.map((r: { id: string }) => [r.id, r]));
    expect((byId.get(own1.id) as { author: unknown }).author).toEqual({ pseudonym, isAuthor: true });
    expect((byId.get(own2.id) as { author: unknown; anonymous: boolean })).toMatchObject({ author: { pseudonym, isAuthor: true }, anonymous: true });
    expect((byId.get(readerReply.id) as { author: unknown }).author).toEqual({ id: reader.id, username: reader.username });
    // in another thread the same account has a different pseudonym, so threads cannot be linked
    const elsewhere = (await t.http().get(`/api/threads/${named.id}/replies`).set('Cookie', reader.cookie)).body.items.find((r: { id: string }) => r.id === anonReplyElsewhere.id);
    expect(elsewhere.author.pseudonym).toEqual(expect.any(String));
    expect(elsewhere.author.isAuthor).toBeUndefined();
  });

  it('keeps the pseudonym of a reply stable across requests and readers', async () => {
    const s = await createStory(t, other);
    const r1 = await createReply(t, author, s.id, { anonymous: true });
    const r2 = await createReply(t, author, s.id, { anonymous: true });
    const a = (await t.http().get(`/api/threads/${s.id}/replies`).set('Cookie', reader.cookie)).body.items;
    const b = (await t.http().get(`/api/threads/${s.id}/replies`).set('Cookie', other.cookie)).body.items;
    expect(a[0].author).toEqual(a[1].author);
    expect(a[0].author).toEqual(b[0].author);
    expect([r1.id, r2.id]).toEqual(a.map((r: { id: string }) => r.id));
  });
});
