import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Member, registerMember, setRole, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';

/**
 * `GET /api/threads/:id?include=replies` is the story page in one request: it must answer exactly what the two separate
 * reads answer together (`GET /threads/:id` and `GET /threads/:id/replies`), for every kind of viewer, with the read
 * rule included: the same status, the same story view and the same page of reply views.
 */
type Kind = 'member' | 'author' | 'staff' | 'blocker';
const KINDS: Kind[] = ['member', 'author', 'staff', 'blocker'];

describe('the story page in one request', () => {
  let t: TestApp;
  let who: Record<Kind, Member>;
  let replier: Member;

  beforeAll(async () => {
    t = await startApp();
    who = { member: await registerMember(t), author: await registerMember(t), staff: await registerMember(t), blocker: await registerMember(t) };
    replier = await registerMember(t);
    await setRole(t, who.staff.id, 'moderator');
    // the blocker blocked both the replier and the story's author: their named posts are hidden from the blocker
    for (const name of [replier.username, who.author.username]) {
      expect((await t.http().put(`/api/users/${name}/block`).set('Cookie', who.blocker.cookie)).status).toBe(200);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (path: string, m?: Member) => {
    const req = t.http().get(path);
    return m ? req.set('Cookie', m.cookie) : req;
  };

  /** The one request, and the two separate reads put together the way the client used to. */
  async function bothWays(storyId: string, m: Member | undefined, limit?: number) {
    const q = limit === undefined ? '' : `limit=${limit}`;
    const one = await get(`/api/threads/${storyId}?include=replies${q ? `&${q}` : ''}`, m);
    const story = await get(`/api/threads/${storyId}`, m);
    const page = await get(`/api/threads/${storyId}/replies${q ? `?${q}` : ''}`, m);
    expect(page.status).toBe(story.status);
    const two = story.status === 200 ? { ...story.body, replies: page.body } : story.body;
    return { one: { status: one.status, body: one.body }, two: { status: story.status, body: two } };
  }

  async function setState(table: 'threads' | 'replies', id: string, set: string): Promise<void> {
    await t.db.dataSource.query(`UPDATE ${table} SET ${set}, updated_at = now() WHERE id = $1`, [id]);
  }

  it('answers the same story and replies as the two separate reads, for a member, the author, staff and a member who blocked some authors', async () => {
    const story = await createStory(t, who.author, { title: 'One page, one request' });
    const opening = await createReply(t, who.author, story.id, { body: 'The author opens the conversation.' });
    const named = await createReply(t, replier, story.id, { body: 'A named reply, quoting.', replyTo: opening.id });
    const anonymous = await createReply(t, replier, story.id, { body: 'An anonymous reply.', anonymous: true });
    const edited = await createReply(t, who.member, story.id, { body: 'A reply, soon edited.' });
    expect((await t.http().patch(`/api/replies/${edited.id}`).set('Cookie', who.member.cookie).send({ body: 'A reply, edited.' })).status).toBe(200);
    const pending = await createReply(t, who.author, story.id, { body: 'A reply waiting for review.' });
    const hidden = await createReply(t, replier, story.id, { body: 'A hidden reply.' });
    const deleted = await createReply(t, who.member, story.id, { body: 'A deleted reply.' });
    const quotesBlocked = await createReply(t, who.member, story.id, { body: 'Quoting the named reply.', replyTo: named.id });
    await setState('replies', pending.id, `status = 'pending'`);
    await setState('replies', hidden.id, 'hidden = true');
    await setState('replies', deleted.id, 'deleted_at = now()');
    for (const [m, path] of [
      [who.member, `/api/threads/${story.id}/reactions/relate`],
      [who.author, `/api/threads/${story.id}/reactions/thanks`],
      [who.member, `/api/replies/${named.id}/reactions/helped`],
    ] as const) {
      expect((await t.http().put(path).set('Cookie', m.cookie)).status).toBeLessThan(300);
    }

    for (const kind of KINDS) {
      const { one, two } = await bothWays(story.id, who[kind]);
      // the story's author is named and blocked by the blocker: for them the story itself is not there
      const expected = kind === 'blocker' ? 404 : 200;
      expect({ kind, one: one.status, two: two.status }).toEqual({ kind, one: expected, two: expected });
      expect(one.body).toEqual(two.body);
      if (expected !== 200) continue;
      const ids = (one.body.replies.items as { id: string }[]).map((r) => r.id);
      // the read rule is in the page: a pending reply only for its author and staff, placeholders for the rest
      expect(ids.includes(pending.id)).toBe(kind === 'author' || kind === 'staff');
      expect(ids).toEqual(expect.arrayContaining([opening.id, named.id, anonymous.id, edited.id, hidden.id, deleted.id, quotesBlocked.id]));
      expect(one.body.reactions).toEqual({ relate: 1, thanks: 1, helped: 0 });
      // the markdown source comes with the viewer's own replies only (it is what their edit box starts from)
      const sources = Object.fromEntries((one.body.replies.items as { id: string; body?: string }[]).map((r) => [r.id, r.body]));
      expect(sources[edited.id]).toBe(kind === 'member' ? 'A reply, edited.' : undefined);
      expect(sources[opening.id]).toBe(kind === 'author' ? 'The author opens the conversation.' : undefined);
      expect(sources[named.id]).toBeUndefined();
    }
  });

  it('hides a blocked member\'s named replies but not their anonymous ones, the same way in one request as in two', async () => {
    const story = await createStory(t, who.member, { title: 'Blocked replies, same page' });
    const named = await createReply(t, replier, story.id, { body: 'Named words the blocker should not read.' });
    const anon = await createReply(t, replier, story.id, { body: 'Anonymous words everyone reads.', anonymous: true });
    const { one, two } = await bothWays(story.id, who.blocker);
    expect(one).toEqual(two);
    expect(one.status).toBe(200);
    const items = one.body.replies.items as { id: string; blocked?: boolean; bodyHtml?: string }[];
    expect(items.find((r) => r.id === named.id)).toEqual({ id: named.id, threadId: story.id, deleted: false, blocked: true });
    expect(items.find((r) => r.id === anon.id)?.bodyHtml).toContain('Anonymous words everyone reads.');
    expect(JSON.stringify(one.body)).not.toContain('Named words the blocker should not read.');
  });

  it.each([
    ['published', ''],
    ['pending', `status = 'pending'`],
    ['rejected', `status = 'rejected'`],
    ['hidden', 'hidden = true'],
    ['deleted', 'deleted_at = now()'],
  ])('a %s story: the same status and body for every viewer', async (_state, set) => {
    const story = await createStory(t, who.member, { title: 'A story in some state', anonymous: true });
    await createReply(t, replier, story.id, { body: 'A reply to it.' });
    if (set) await setState('threads', story.id, set);
    for (const kind of KINDS) {
      const { one, two } = await bothWays(story.id, who[kind]);
      expect({ kind, ...one }).toEqual({ kind, ...two });
    }
  });

  it('pages like the replies page: the limit, and the cursor to the next page', async () => {
    const story = await createStory(t, who.member, { title: 'Three replies, pages of two' });
    const replies = [];
    for (let i = 1; i <= 3; i++) replies.push(await createReply(t, replier, story.id, { body: `Reply number ${i}.` }));
    const { one, two } = await bothWays(story.id, who.author, 2);
    expect(one).toEqual(two);
    expect(one.body.replies.items.map((r: { id: string }) => r.id)).toEqual([replies[0].id, replies[1].id]);
    expect(one.body.replies.nextCursor).toBe(replies[1].id);
    // a story without replies: an empty page
    const quiet = await createStory(t, who.member, { title: 'Nobody answered yet' });
    const empty = await bothWays(quiet.id, who.author);
    expect(empty.one).toEqual(empty.two);
    expect(empty.one.body.replies).toEqual({ items: [], nextCursor: null });
  });

  it('asks for a session like the two reads (401), and 404s an unknown or malformed id', async () => {
    const story = await createStory(t, who.member, { title: 'Members only' });
    const { one, two } = await bothWays(story.id, undefined);
    expect(one.status).toBe(401);
    expect(one).toEqual(two);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await get(`/api/threads/${id}?include=replies`, who.member);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
  });

  it.each([
    ['an unknown include', 'include=comments', 'include'],
    ['an empty include', 'include=', 'include'],
    ['include given twice', 'include=replies&include=replies', 'include'],
    ['a limit of 0', 'include=replies&limit=0', 'limit'],
    ['a limit above 50', 'include=replies&limit=51', 'limit'],
    ['an unknown parameter', 'include=replies&after=3', 'after'],
  ])('refuses %s with 400 and field errors', async (_, query, field) => {
    const story = await createStory(t, who.member, { title: 'Bad queries' });
    const res = await get(`/api/threads/${story.id}?${query}`, who.member);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });
});
