import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import type { AuthorView, NotificationView } from '../src/contract/views.js';
import { NotificationsService } from '../src/notifications/notifications.service.js';
import { Member, registerMember, setRole, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';
import { before, connect, record, waitFor, withId } from './support/sockets.js';

/**
 * Notifications people can act on (issue 16, item 2): who did it and a short excerpt; replies and reactions to the
 * same story grouped while unread, live; reactions at most once per story an hour; withdrawn with hidden or removed
 * words; an anonymous actor never tied to their account, a block honoured for named actors only.
 */
describe('notification groups', () => {
  let t: TestApp;
  let mod: Member;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    t = await startApp();
    mod = await registerMember(t);
    await setRole(t, mod.id, 'moderator');
  }, 120_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  const list = async (m: Member): Promise<NotificationView[]> => {
    const res = await t.http().get('/api/notifications').query({ limit: 50 }).set('Cookie', m.cookie);
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const rawList = async (m: Member): Promise<string> => (await t.http().get('/api/notifications').query({ limit: 50 }).set('Cookie', m.cookie)).text;
  const unread = async (m: Member): Promise<number> => (await t.http().get('/api/auth/me').set('Cookie', m.cookie)).body.unreadNotifications;
  const markRead = (m: Member, ids: string[]) => t.http().post('/api/notifications/read').set('Cookie', m.cookie).send({ ids });
  const react = (m: Member, path: string, kind = 'relate') => t.http().put(`/api/${path}/reactions/${kind}`).set('Cookie', m.cookie);
  const unreact = (m: Member, path: string, kind = 'relate') => t.http().delete(`/api/${path}/reactions/${kind}`).set('Cookie', m.cookie);
  const block = (m: Member, username: string) => t.http().put(`/api/users/${username}/block`).set('Cookie', m.cookie);
  const named = (m: Member): AuthorView => ({ id: m.id, username: m.username });

  /**
   * Everything a story's replies and reactions cause is written from their outbox rows: once none of the story's rows
   * is left, every notification they cause is stored (each row goes in the transaction that writes them).
   */
  async function settled(threadId: string): Promise<void> {
    const until = Date.now() + 10_000;
    for (;;) {
      const [{ n }]: { n: number }[] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE payload->>'threadId' = $1`, [threadId]);
      if (n === 0) return;
      if (Date.now() > until) throw new Error(`outbox rows of story ${threadId} were not handled`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  const ofStory = async (m: Member, threadId: string, kind?: string): Promise<NotificationView[]> => {
    await settled(threadId);
    return (await list(m)).filter((n) => n.threadId === threadId && (!kind || n.kind === kind));
  };
  const open = async (m: Member): Promise<{ socket: Socket; log: ReturnType<typeof record> }> => {
    const socket = await connect(t, m.cookie);
    sockets.push(socket);
    return { socket, log: record(socket) };
  };

  it('groups replies to a story while unread: count, the latest people first, each once, anonymous ones by pseudonym', async () => {
    const [ann, bob, cat, dan] = [await registerMember(t), await registerMember(t), await registerMember(t), await registerMember(t)];
    const story = await createStory(t, ann, { title: 'The bakery I closed' });
    await createReply(t, cat, story.id, { body: 'I closed a shop too.' });
    await settled(story.id);
    await createReply(t, bob, story.id, { body: 'First from me.' });
    await settled(story.id);
    const anon = await createReply(t, dan, story.id, { body: 'Quietly: same here.', anonymous: true });
    await settled(story.id);
    const last = await createReply(t, bob, story.id, { body: 'And *again* from me, with **markdown** and a [link](https://example.org).' });
    const pseudonym = (anon.author as { pseudonym: string }).pseudonym;

    const items = await ofStory(ann, story.id);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      kind: 'reply',
      replyId: last.id,
      read: false,
      count: 4,
      actorCount: 3,
      actor: named(bob),
      actors: [named(bob), { pseudonym }, named(cat)],
      excerpt: 'And again from me, with markdown and a link.',
      text: `${bob.username} and 2 others replied to your story "The bakery I closed"`,
    });
    expect(await unread(ann)).toBe(1);
    // dan's account is neither shown nor stored with the notification
    expect(await rawList(ann)).not.toContain(dan.id);
    expect(await rawList(ann)).not.toContain(dan.username);
    const stored: { actor_id: string | null }[] = await t.db.dataSource.query(
      `SELECT i.actor_id FROM notification_items i WHERE i.notification_id = $1 AND i.actor_pseudonym = $2`,
      [items[0].id, pseudonym],
    );
    expect(stored).toEqual([{ actor_id: null }]);
  });

  it('never ties an anonymous reply to its author by grouping: a named and an anonymous reply are two people', async () => {
    const [ann, bob] = [await registerMember(t), await registerMember(t)];
    const story = await createStory(t, ann, { title: 'Two voices' });
    await createReply(t, bob, story.id, { body: 'Named.' });
    await settled(story.id);
    const anon = await createReply(t, bob, story.id, { body: 'Not named.', anonymous: true });
    const [g] = await ofStory(ann, story.id);
    const pseudonym = (anon.author as { pseudonym: string }).pseudonym;
    expect(g).toMatchObject({ count: 2, actorCount: 2, actors: [{ pseudonym }, named(bob)], actor: { pseudonym } });
    expect(g.text).toBe(`${pseudonym} and ${bob.username} replied to your story "Two voices"`);
  });

  it('starts a new group once the last was read, and says "N times" for one person', async () => {
    const [ann, bob, cat] = [await registerMember(t), await registerMember(t), await registerMember(t)];
    const story = await createStory(t, ann, { title: 'Read resets it' });
    await createReply(t, bob, story.id, { body: 'One.' });
    await settled(story.id);
    await createReply(t, bob, story.id, { body: 'Two.' });
    const [first] = await ofStory(ann, story.id);
    expect(first).toMatchObject({ count: 2, actorCount: 1, text: `${bob.username} replied 2 times to your story "Read resets it"` });
    expect((await markRead(ann, [first.id])).body).toEqual({ unread: 0 });

    await createReply(t, cat, story.id, { body: 'Three, after you read.' });
    const items = await ofStory(ann, story.id);
    expect(items.map((n) => [n.id === first.id, n.read, n.count])).toEqual([
      [false, false, 1],
      [true, true, 2],
    ]);
    expect(items[0]).toMatchObject({ actor: named(cat), excerpt: 'Three, after you read.' });
    expect(await unread(ann)).toBe(1);
  });

  it('tells the story’s author of a held reply once a moderator approves it, in the open group', async () => {
    const [ann, bob, cat] = [await registerMember(t), await registerMember(t), await registerMember(t)];
    const story = await createStory(t, ann, { title: 'Held for a moment' });
    await createReply(t, bob, story.id, { body: 'Straight through.' });
    await settled(story.id);
    // a reply held for review, as REVIEW_FIRST_POSTS or safety mode holds one: nobody is told of it yet
    const [held]: { id: string }[] = await t.db.dataSource.query(
      `INSERT INTO replies (thread_id, author_id, body_md, body_html, status) VALUES ($1, $2, 'Held words.', '<p>Held words.</p>', 'pending') RETURNING id::text AS id`,
      [story.id, cat.id],
    );
    expect((await ofStory(ann, story.id)).map((n) => n.count)).toEqual([1]);
    const approved = await t.http().post(`/api/mod/queue/${held.id}/approve`).set('Cookie', mod.cookie).send({});
    expect(approved.status).toBe(200);
    const items = await ofStory(ann, story.id, 'reply');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ count: 2, replyId: held.id, actor: named(cat), excerpt: 'Held words.' });
  });

  it('pushes a group live, then replaces it in place (same id, update) as it grows, without a second unread', async () => {
    const [ann, bob, cat] = [await registerMember(t), await registerMember(t), await registerMember(t)];
    const story = await createStory(t, ann, { title: 'Live group' });
    const { log } = await open(ann);
    await createReply(t, bob, story.id, { body: 'Hello from bob.' });
    await waitFor(() => log.some((r) => r.event === 'notification'), 5000, 'the first push');
    const first = log.find((r) => r.event === 'notification')!.payload as NotificationView;
    expect(first).toMatchObject({ kind: 'reply', count: 1, actors: [named(bob)], read: false });
    expect(first.update).toBeUndefined();

    await createReply(t, cat, story.id, { body: 'Hello from cat.' });
    await waitFor(() => log.filter((r) => r.event === 'notification').length === 2, 5000, 'the second push');
    const second = log.filter((r) => r.event === 'notification')[1].payload as NotificationView;
    expect(second).toMatchObject({ id: first.id, update: true, count: 2, actorCount: 2, actors: [named(cat), named(bob)], excerpt: 'Hello from cat.' });
    expect(second.text).toBe(`${cat.username} and ${bob.username} replied to your story "Live group"`);
    expect(await unread(ann)).toBe(1);
  });

  it('groups concurrent replies into one notification without losing any', async () => {
    const ann = await registerMember(t);
    const repliers = await Promise.all(Array.from({ length: 8 }, () => registerMember(t)));
    const story = await createStory(t, ann, { title: 'Everyone at once' });
    await Promise.all(repliers.map((m, i) => createReply(t, m, story.id, { body: `Reply ${i}` })));
    const items = await ofStory(ann, story.id);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ count: 8, actorCount: 8 });
    expect(items[0].actors).toHaveLength(3);
    const [{ n }]: { n: number }[] = await t.db.dataSource.query(
      `SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND thread_id = $2`,
      [ann.id, story.id],
    );
    expect(n).toBe(1);
  });

  it('keeps one group and every reaction when many react at once', async () => {
    const ann = await registerMember(t);
    const reactors = await Promise.all(Array.from({ length: 6 }, () => registerMember(t)));
    const story = await createStory(t, ann, { title: 'Reacted to all at once' });
    const answers = await Promise.all(reactors.map((m) => react(m, `threads/${story.id}`)));
    expect(answers.map((r) => r.status)).toEqual(reactors.map(() => 200));
    const items = await ofStory(ann, story.id, 'reaction');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ count: 6, actorCount: 6 });
  });

  it('joins one group from transactions open at the same time, and loses no count', async () => {
    const ann = await registerMember(t);
    const others = await Promise.all(Array.from({ length: 6 }, () => registerMember(t)));
    const story = await createStory(t, ann, { title: 'Side by side' });
    const service = t.app.get(NotificationsService);
    // each transaction holds itself open a moment before joining, so they overlap (on PostgreSQL; PGlite runs them one by one)
    const results = await Promise.all(
      others.map((m) =>
        t.db.dataSource.transaction(async (em) => {
          await em.query('SELECT pg_sleep(0.02)');
          return service.addToGroup(em, ann.id, { kind: 'reaction', threadId: story.id, replyId: null, reaction: 'thanks', actor: named(m), excerpt: 'x', text: 'x' });
        }),
      ),
    );
    expect(new Set(results.map((r) => r?.view.id)).size).toBe(1);
    expect(results.filter((r) => r && !r.update)).toHaveLength(1);
    const [g] = await ofStory(ann, story.id, 'reaction');
    expect(g).toMatchObject({ count: 6, actorCount: 6 });
  });

  it('tells authors about reactions, grouped per story, never about their own, and counts one reaction once', async () => {
    const [ann, bob, cat] = [await registerMember(t), await registerMember(t), await registerMember(t)];
    const story = await createStory(t, ann, { title: 'Reacted to', happened: 'I lost the **whole** season.' });
    const own = await createReply(t, ann, story.id, { body: 'Thanks, all of you.' });
    expect((await react(ann, `threads/${story.id}`)).status).toBe(200); // her own: nothing
    expect((await react(bob, `threads/${story.id}`)).status).toBe(200);
    let [g] = await ofStory(ann, story.id, 'reaction');
    expect(g).toMatchObject({ count: 1, actor: named(bob), excerpt: 'I lost the whole season.', read: false, text: `${bob.username} reacted to your story "Reacted to"` });

    // taking it back and giving it again adds nothing; another kind and another member's reaction to her reply do
    await unreact(bob, `threads/${story.id}`);
    await react(bob, `threads/${story.id}`);
    await react(bob, `threads/${story.id}`, 'thanks');
    await react(cat, `replies/${own.id}`, 'helped');
    [g] = await ofStory(ann, story.id, 'reaction');
    expect(g).toMatchObject({ count: 3, actorCount: 2, actors: [named(cat), named(bob)], replyId: own.id, excerpt: 'Thanks, all of you.' });
    expect(g.text).toBe(`${cat.username} and ${bob.username} reacted to what you wrote in "Reacted to"`);
    expect((await list(ann)).filter((n) => n.threadId === story.id)).toHaveLength(1);
    expect(await unread(ann)).toBe(1);
    expect((await list(bob)).filter((n) => n.threadId === story.id)).toEqual([]);
  });

  it('opens at most one reaction notification per story an hour: later reactions join the read one quietly', async () => {
    const [ann, bob, cat, dan] = [await registerMember(t), await registerMember(t), await registerMember(t), await registerMember(t)];
    const story = await createStory(t, ann, { title: 'Once an hour' });
    const { log } = await open(ann);
    await react(bob, `threads/${story.id}`);
    const [g] = await ofStory(ann, story.id, 'reaction');
    await markRead(ann, [g.id]);

    await react(cat, `threads/${story.id}`);
    let items = await ofStory(ann, story.id, 'reaction');
    expect(items.map((n) => [n.id, n.read, n.count])).toEqual([[g.id, true, 2]]);
    expect(await unread(ann)).toBe(0);
    await waitFor(() => log.some((r) => r.event === 'notification' && (r.payload as NotificationView).count === 2), 5000, 'the quiet update');
    expect(log.filter((r) => r.event === 'notification').map((r) => (r.payload as NotificationView).update ?? false)).toEqual([false, true]);

    // an hour later (the group's opening moved back rather than waiting), a reaction opens a new one
    await t.db.dataSource.query(`UPDATE notifications SET first_at = first_at - interval '61 minutes' WHERE id = $1`, [g.id]);
    await react(dan, `threads/${story.id}`);
    items = await ofStory(ann, story.id, 'reaction');
    expect(items.map((n) => [n.id === g.id, n.read, n.count])).toEqual([
      [false, false, 1],
      [true, true, 2],
    ]);
    expect(items[0].actor).toEqual(named(dan));
    expect(await unread(ann)).toBe(1);
  });

  it('names the author of an anonymous story who reacts only by the story’s pseudonym', async () => {
    const [ann, bob] = [await registerMember(t), await registerMember(t)];
    const story = await createStory(t, ann, { title: 'Mine, anonymously', anonymous: true });
    const reply = await createReply(t, bob, story.id, { body: 'You are not alone.' });
    await react(ann, `replies/${reply.id}`, 'thanks');
    const [g] = await ofStory(bob, story.id, 'reaction');
    const pseudonym = (story.author as { pseudonym: string }).pseudonym;
    expect(g).toMatchObject({ actor: { pseudonym }, actors: [{ pseudonym }], text: `${pseudonym} reacted to your reply in "Mine, anonymously"` });
    const raw = await rawList(bob);
    expect(raw).not.toContain(ann.id);
    expect(raw).not.toContain(ann.username);
    const stored: { actor_id: string | null }[] = await t.db.dataSource.query(`SELECT actor_id FROM notification_items WHERE notification_id = $1`, [g.id]);
    expect(stored).toEqual([{ actor_id: null }]);
  });

  it('honours a block for named actors only: a blocked member’s reaction is not told, their anonymous reply is', async () => {
    const [ann, bob, cat] = [await registerMember(t), await registerMember(t), await registerMember(t)];
    const story = await createStory(t, ann, { title: 'Blocked and not', anonymous: true });
    await block(ann, bob.username);
    await react(bob, `threads/${story.id}`);
    await react(cat, `threads/${story.id}`);
    const [g] = await ofStory(ann, story.id, 'reaction');
    expect(g).toMatchObject({ count: 1, actors: [named(cat)] });

    const anon = await createReply(t, bob, story.id, { body: 'From behind a pseudonym.', anonymous: true });
    const [r] = await ofStory(ann, story.id, 'reply');
    expect(r).toMatchObject({ count: 1, actor: { pseudonym: (anon.author as { pseudonym: string }).pseudonym } });

    // a block after the fact: a group of the blocked member's named replies says nothing any more
    const other = await createStory(t, cat, { title: 'Blocked after' });
    await createReply(t, bob, other.id, { body: 'Hello.' });
    expect(await ofStory(cat, other.id)).toHaveLength(1);
    await block(cat, bob.username);
    expect(await ofStory(cat, other.id)).toEqual([]);
  });

  it('shrinks a group when a reply in it is hidden, and withdraws one left empty (live)', async () => {
    const [ann, bob, cat] = [await registerMember(t), await registerMember(t), await registerMember(t)];
    const story = await createStory(t, ann, { title: 'One unkind reply' });
    const kind = await createReply(t, bob, story.id, { body: 'Kind words.' });
    await settled(story.id);
    const unkind = await createReply(t, cat, story.id, { body: 'Unkind words.' });
    await react(cat, `replies/${kind.id}`); // bob's reaction group holds only the kind reply's reaction
    const [g] = await ofStory(ann, story.id, 'reply');
    expect(g.count).toBe(2);
    const [bobGroup] = await ofStory(bob, story.id, 'reaction');
    const { log } = await open(ann);
    const bobLive = await open(bob);

    const hide = await t.http().post(`/api/mod/replies/${unkind.id}/hide`).set('Cookie', mod.cookie).send({ reason: 'unkind' });
    expect(hide.status).toBe(200);
    await waitFor(() => log.some(withId('notification', g.id)), 5000, 'the shrunk group');
    expect(log.find(withId('notification', g.id))!.payload).toMatchObject({ update: true, count: 1, actors: [named(bob)], replyId: kind.id, excerpt: 'Kind words.' });
    expect((await ofStory(ann, story.id, 'reply'))[0]).toMatchObject({ id: g.id, count: 1 });

    // the kind reply removed by its author: ann's group is left empty and goes; so does bob's reaction group
    expect((await t.http().delete(`/api/replies/${kind.id}`).set('Cookie', bob.cookie)).status).toBe(204);
    await waitFor(() => log.some((r) => r.event === 'notification.removed'), 5000, 'notification.removed');
    expect(log.find((r) => r.event === 'notification.removed')!.payload).toEqual({ ids: [g.id] });
    await waitFor(() => bobLive.log.some((r) => r.event === 'notification.removed'), 5000, 'bob’s notification.removed');
    expect(bobLive.log.find((r) => r.event === 'notification.removed')!.payload).toEqual({ ids: [bobGroup.id] });
    expect(await ofStory(ann, story.id)).toEqual([]);
    expect(await ofStory(bob, story.id)).toEqual([]);
    expect(await unread(ann)).toBe(0);
  });

  it('withdraws what others’ words in a story caused when the story is hidden, and only that', async () => {
    const [ann, bob, cat] = [await registerMember(t), await registerMember(t), await registerMember(t)];
    const story = await createStory(t, ann, { title: 'Hidden later' });
    const bobs = await createReply(t, bob, story.id, { body: 'Hi.' });
    await createReply(t, cat, story.id, { body: `Hi @${bob.username}.`, replyTo: bobs.id });
    await react(cat, `threads/${story.id}`);
    await settled(story.id);
    const annIds = (await ofStory(ann, story.id)).map((n) => n.id).sort();
    const bobIds = (await ofStory(bob, story.id)).map((n) => n.id).sort();
    expect(annIds).toHaveLength(2); // the reply group and the reaction group
    expect(bobIds).toHaveLength(1); // cat answered bob
    const annLive = await open(ann);
    const bobLive = await open(bob);

    const hide = await t.http().post(`/api/mod/threads/${story.id}/hide`).set('Cookie', mod.cookie).send({ reason: 'needs a look' });
    expect(hide.status).toBe(200);
    await waitFor(() => bobLive.log.some((r) => r.event === 'notification.removed'), 5000, 'bob’s notification.removed');
    expect(bobLive.log.find((r) => r.event === 'notification.removed')!.payload).toEqual({ ids: bobIds });
    // the moderator's notice to ann comes after the withdrawal: a barrier for it
    const seen = await before(annLive.log, (r) => r.event === 'notification' && (r.payload as NotificationView).kind === 'moderation', 5000, 'the moderation notice');
    const removed = seen.filter((r) => r.event === 'notification.removed').flatMap((r) => (r.payload as { ids: string[] }).ids);
    expect(removed.sort()).toEqual(annIds);
    expect((await ofStory(ann, story.id)).map((n) => n.kind)).toEqual(['moderation']);
    expect(await ofStory(bob, story.id)).toEqual([]);
  });
});
