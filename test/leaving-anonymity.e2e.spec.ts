import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Member, registerMember, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';
import { connect, emitAck } from './support/sockets.js';

type Post = { kind: 'story' | 'reply'; id: string; named: boolean };
type AuthorSnapshot = Record<string, { author: unknown; anonymous: unknown }>;

describe('leaving with anonymize', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** Every post's author as another member sees it over REST: each story, and each reply on its story's replies page. */
  async function snapshot(reader: Member, stories: string[]): Promise<AuthorSnapshot> {
    const out: AuthorSnapshot = {};
    for (const id of stories) {
      const story = await t.http().get(`/api/threads/${id}`).set('Cookie', reader.cookie);
      expect(story.status).toBe(200);
      out[`story:${id}`] = { author: story.body.author, anonymous: story.body.anonymous };
      const replies = await t.http().get(`/api/threads/${id}/replies?limit=50`).set('Cookie', reader.cookie);
      expect(replies.status).toBe(200);
      for (const r of replies.body.items) out[`reply:${r.id}`] = { author: r.author, anonymous: r.anonymous };
    }
    const list = await t.http().get('/api/threads?limit=50').set('Cookie', reader.cookie);
    for (const item of list.body.items) if (stories.includes(item.id)) out[`list:${item.id}`] = { author: item.author, anonymous: item.anonymous };
    return out;
  }

  it('keeps every anonymous post under its own pseudonym; only named posts become "Former member"', async () => {
    const leaver = await registerMember(t);
    const reader = await registerMember(t);
    const host = await registerMember(t);
    const posts: Post[] = [];

    const named = await createStory(t, leaver, { title: 'A named story of someone about to leave' });
    posts.push({ kind: 'story', id: named.id, named: true });
    const anon = await createStory(t, leaver, { title: 'An anonymous story of someone about to leave', anonymous: true });
    posts.push({ kind: 'story', id: anon.id, named: false });
    // the author of an anonymous story answers in it under its pseudonym
    posts.push({ kind: 'reply', id: (await createReply(t, leaver, anon.id, { body: 'the author answers' })).id, named: false });
    const hostStory = await createStory(t, host, { title: 'A host story with named and anonymous answers' });
    posts.push({ kind: 'reply', id: (await createReply(t, leaver, hostStory.id, { body: 'a named answer' })).id, named: true });
    posts.push({ kind: 'reply', id: (await createReply(t, leaver, hostStory.id, { body: 'an anonymous answer', anonymous: true })).id, named: false });
    const hostAnon = await createStory(t, host, { title: 'An anonymous host story', anonymous: true });
    posts.push({ kind: 'reply', id: (await createReply(t, leaver, hostAnon.id, { body: 'another anonymous answer', anonymous: true })).id, named: false });
    // posts by others in the same stories must not change either
    const others = [
      (await createReply(t, reader, named.id, { body: 'a reader answers by name' })).id,
      (await createReply(t, reader, anon.id, { body: 'a reader answers anonymously', anonymous: true })).id,
      (await createReply(t, host, hostAnon.id, { body: 'the host answers' })).id,
    ];
    const stories = [named.id, anon.id, hostStory.id, hostAnon.id];

    const before = await snapshot(reader, stories);
    const since = new Date();
    const lastReply = String(Math.max(...[...posts.filter((p) => p.kind === 'reply').map((p) => Number(p.id)), ...others.map(Number)]));
    const res = await t.http().delete('/api/me').set('Cookie', leaver.cookie).send({ password: leaver.password, mode: 'anonymize' });
    expect(res.status).toBe(204);
    const after = await snapshot(reader, stories);

    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    const keysOf = (p: Post) => (p.kind === 'story' ? [`story:${p.id}`, `list:${p.id}`] : [`reply:${p.id}`]);
    const namedKeys = new Set(posts.filter((p) => p.named).flatMap(keysOf));
    for (const p of posts.filter((x) => x.named)) for (const k of keysOf(p)) expect(before[k].author).toEqual({ id: leaver.id, username: leaver.username });
    // anonymous posts, and everyone else's, exactly as before
    for (const key of Object.keys(before).filter((k) => !namedKeys.has(k))) expect({ key, ...after[key] }).toEqual({ key, ...before[key] });
    for (const key of namedKeys) expect(after[key]).toEqual({ author: { pseudonym: 'Former member' }, anonymous: false });
    // the anonymous posts really were under pseudonyms, each story its own
    const pseudonyms = posts.filter((p) => !p.named).map((p) => (after[keysOf(p)[0]].author as { pseudonym: string }).pseudonym);
    expect(pseudonyms.every((n) => n && n !== 'Former member')).toBe(true);

    // a reader catching up after a reconnect is told of the named answer only, not the anonymous ones
    const socket = await connect(t, reader.cookie);
    try {
      for (const threadId of [hostStory.id, hostAnon.id, anon.id]) {
        const ack = await emitAck(socket, 'thread.join', { threadId, after: lastReply, since: since.toISOString() });
        expect(ack.ok).toBe(true);
        const changed = (ack.changed as { id: string }[]).map((r) => r.id);
        const expected = posts.filter((p) => p.named && p.kind === 'reply' && threadId === hostStory.id).map((p) => p.id);
        expect({ threadId, changed }).toEqual({ threadId, changed: expected });
      }
    } finally {
      socket.close();
    }
  });
});
