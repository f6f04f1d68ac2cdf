import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { NotificationsService } from '../src/notifications/notifications.service.js';
import { Member, registerMember, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';

interface Item {
  id: string;
  kind: string;
  threadId: string | null;
  replyId: string | null;
  text: string;
  read: boolean;
  createdAt: string;
}

describe('notifications', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const list = (m: Member, query: Record<string, unknown> = {}) => t.http().get('/api/notifications').query(query).set('Cookie', m.cookie);
  const markRead = (m: Member, body: unknown) => t.http().post('/api/notifications/read').set('Cookie', m.cookie).send(body as object);
  const block = (m: Member, username: string) => t.http().put(`/api/users/${username}/block`).set('Cookie', m.cookie);
  const unreadOnMe = async (m: Member): Promise<number> => (await t.http().get('/api/auth/me').set('Cookie', m.cookie)).body.unreadNotifications;

  /** Notifications are made by an async listener after the reply is committed: poll for them (up to ~3 s) rather than sleep. */
  async function waitFor(m: Member, match: (n: Item) => boolean, count = 1): Promise<{ items: Item[]; body: unknown; text: string }> {
    const deadline = Date.now() + 3000;
    for (;;) {
      const res = await list(m, { limit: 50 });
      expect(res.status).toBe(200);
      const items = (res.body.items as Item[]).filter(match);
      if (items.length >= count || Date.now() > deadline) {
        expect(items).toHaveLength(count);
        return { items, body: res.body, text: res.text };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const all = async (m: Member): Promise<Item[]> => (await list(m, { limit: 50 })).body.items;

  it('tells the author of a story about a reply, not the replier, and nobody about their own reply', async () => {
    const ann = await registerMember(t);
    const bob = await registerMember(t);
    const story = await createStory(t, ann, { title: 'The marathon I did not finish' });
    // the author's own reply comes first, so once bob's has been notified the listener has had its turn with it
    await createReply(t, ann, story.id, { body: 'Thanks for reading, everyone.' });
    const reply = await createReply(t, bob, story.id, { body: 'I stopped at 30 km once too.' });

    const { items } = await waitFor(ann, (n) => n.threadId === story.id);
    expect(items[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      kind: 'reply',
      threadId: story.id,
      replyId: reply.id,
      text: `${bob.username} replied to your story "The marathon I did not finish"`,
      read: false,
      createdAt: expect.any(String),
      actor: { id: bob.id, username: bob.username },
      excerpt: 'I stopped at 30 km once too.',
      count: 1,
      actorCount: 1,
      actors: [{ id: bob.id, username: bob.username }],
    });
    expect(await all(ann)).toHaveLength(1);
    expect(await all(bob)).toEqual([]);
    expect(await unreadOnMe(ann)).toBe(1);
    expect(await unreadOnMe(bob)).toBe(0);
  });

  it('names an anonymous replier only by their pseudonym, and keeps a long title short', async () => {
    const ann = await registerMember(t);
    const bob = await registerMember(t);
    const title = `A long title ${'about failing again and again '.repeat(4)}`.trim();
    expect(title.length).toBeGreaterThan(80);
    const story = await createStory(t, ann, { title });
    const reply = await createReply(t, bob, story.id, { body: 'Same here, honestly.', anonymous: true });
    const pseudonym = (reply.author as { pseudonym: string }).pseudonym;
    expect(pseudonym).toMatch(/^\w+ \w+$/);

    const { items, text } = await waitFor(ann, (n) => n.threadId === story.id);
    expect(items[0].text).toBe(`${pseudonym} replied to your story "${title.slice(0, 79)}…"`);
    expect(text).not.toContain(bob.username);
    expect(text).not.toContain(bob.id);
    // nor is the account kept with the notification
    const stored = await t.db.dataSource.query('SELECT actor_id FROM notifications WHERE id = $1', [items[0].id]);
    expect(stored).toEqual([{ actor_id: null }]);
  });

  it('tells a member @mentioned in a reply, once, unless they blocked the replier', async () => {
    const ann = await registerMember(t);
    const bob = await registerMember(t);
    const cat = await registerMember(t);
    const dan = await registerMember(t);
    const eve = await registerMember(t);
    await block(eve, bob.username);
    const story = await createStory(t, ann, { title: 'Lost the shop' });
    const reply = await createReply(t, bob, story.id, {
      body: `@${cat.username.toUpperCase()} and @${cat.username} went through this; so did @${ann.username} and @${eve.username}. ` +
        `Ask @${bob.username} or @nobody_${randomUUID().slice(0, 8)}, not me@${dan.username}.`,
    });

    const { items } = await waitFor(cat, (n) => n.threadId === story.id);
    expect(items[0]).toMatchObject({ kind: 'mention', threadId: story.id, replyId: reply.id, text: `${bob.username} mentioned you in "Lost the shop"`, read: false });
    // the author is told once, by the reply notification
    const annItems = (await waitFor(ann, (n) => n.threadId === story.id)).items;
    expect(annItems.map((n) => n.kind)).toEqual(['reply']);
    expect(await all(bob)).toEqual([]); // not for mentioning yourself
    expect(await all(dan)).toEqual([]); // an e-mail-like me@dan is not a mention
    expect(await all(eve)).toEqual([]); // eve blocked bob
    expect(await all(cat)).toHaveLength(1);
  });

  it('does not tell the author about a reply from someone they blocked', async () => {
    const ann = await registerMember(t);
    const bob = await registerMember(t);
    const cat = await registerMember(t);
    const story = await createStory(t, ann, { anonymous: true, title: 'Quietly failed' });
    await block(ann, bob.username);
    await createReply(t, bob, story.id, { body: `Not for you, @${ann.username}.` });
    await createReply(t, cat, story.id, { body: 'Thinking of you.' });
    await waitFor(ann, (n) => n.threadId === story.id);
    const items = await all(ann);
    expect(items).toHaveLength(1);
    expect(items[0].text).toContain(cat.username);
  });

  it('pages 25 notifications by cursor, newest first, each exactly once', async () => {
    const ann = await registerMember(t);
    const service = t.app.get(NotificationsService);
    for (let i = 0; i < 15; i++) await service.notify(ann.id, { kind: 'moderation', text: `notice ${i}` });
    // ten with the very same time, so the id breaks the tie
    await t.db.dataSource.query(
      `INSERT INTO notifications (user_id, kind, text, created_at) SELECT $1, 'report', 'same time ' || g, now() - interval '1 hour' FROM generate_series(1, 10) g`,
      [ann.id],
    );
    const seen: Item[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await list(ann, { limit: 10, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      expect(res.body.unread).toBe(25);
      pages++;
      seen.push(...res.body.items);
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect(new Set(seen.map((n) => n.id)).size).toBe(25);
    expect(seen.slice(15).every((n) => n.text.startsWith('same time'))).toBe(true);
    const times = seen.map((n) => Date.parse(n.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(Object.keys(seen[0]).sort()).toEqual(['actor', 'createdAt', 'excerpt', 'id', 'kind', 'read', 'replyId', 'text', 'threadId']);

    for (const bad of ['garbage', 'eyJ0IjoiMjAyNCJ9.AAAAAAAAAAAAAAAA', 'x'.repeat(600)]) {
      const res = await list(ann, { cursor: bad });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_CURSOR');
    }
    for (const limit of [0, 51, 'ten']) expect((await list(ann, { limit })).status).toBe(400);
  });

  it('marks read by ids and all, and /auth/me follows', async () => {
    const ann = await registerMember(t);
    const service = t.app.get(NotificationsService);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await service.notify(ann.id, { kind: 'moderation', text: `notice ${i}` })) as string);
    expect(await unreadOnMe(ann)).toBe(5);

    const res = await markRead(ann, { ids: [ids[0], ids[1], ids[1].toUpperCase(), randomUUID()] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ unread: 3 });
    expect(await unreadOnMe(ann)).toBe(3);
    const items = await all(ann);
    expect(items.filter((n) => n.read).map((n) => n.id).sort()).toEqual([ids[0], ids[1]].sort());
    expect((await list(ann)).body.unread).toBe(3);

    const rest = await markRead(ann, { all: true });
    expect(rest.status).toBe(200);
    expect(rest.body).toEqual({ unread: 0 });
    expect(await unreadOnMe(ann)).toBe(0);
    expect((await all(ann)).every((n) => n.read)).toBe(true);
  });

  it("never lets another member see or mark someone's notifications", async () => {
    const ann = await registerMember(t);
    const bob = await registerMember(t);
    const service = t.app.get(NotificationsService);
    const annIds = [await service.notify(ann.id, { kind: 'moderation', text: 'for ann' }), await service.notify(ann.id, { kind: 'moderation', text: 'for ann too' })] as string[];
    const bobId = await service.notify(bob.id, { kind: 'moderation', text: 'for bob' });

    const byIds = await markRead(bob, { ids: annIds });
    expect(byIds.status).toBe(200);
    expect(byIds.body).toEqual({ unread: 1 });
    expect(await unreadOnMe(ann)).toBe(2);
    expect((await all(ann)).every((n) => !n.read)).toBe(true);

    expect((await markRead(bob, { all: true })).body).toEqual({ unread: 0 });
    expect(await unreadOnMe(ann)).toBe(2);
    expect((await all(bob)).map((n) => n.id)).toEqual([bobId]);
    expect((await service.getView(bob.id, annIds[0]))).toBeNull();
    expect((await service.getView(ann.id, annIds[0]))).toMatchObject({ id: annIds[0], text: 'for ann', read: false });
  });

  it.each([
    ['an empty body', {}],
    ['no ids', { ids: [] }],
    ['an id that is not one', { ids: ['x'] }],
    ['an id that is not text', { ids: [42] }],
    ['more than 100 ids', { ids: Array.from({ length: 101 }, () => randomUUID()) }],
    ['ids and all together', { ids: [randomUUID()], all: true }],
    ['all: false', { all: false }],
    ['all: null', { all: null }],
    ['ids as text', { ids: randomUUID() }],
    ['an unknown field', { all: true, extra: 1 }],
  ])('refuses %s with 400', async (_, body) => {
    const ann = await registerMember(t);
    await t.app.get(NotificationsService).notify(ann.id, { kind: 'moderation', text: 'stays unread' });
    const res = await markRead(ann, body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(await unreadOnMe(ann)).toBe(1);
  });

  it('answers visitors with 401', async () => {
    expect((await t.http().get('/api/notifications')).status).toBe(401);
    const res = await t.http().post('/api/notifications/read').send({ all: true });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });
});
