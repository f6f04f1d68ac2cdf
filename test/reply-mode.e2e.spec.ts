import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { Member, registerMember, setRole, startApp, TestApp } from './support/app.js';
import { createReply, createStory, storyBody } from './support/factories.js';
import { before, connect, emitAck, record, withId } from './support/sockets.js';

/**
 * Reply mode (issue 15 item 4, DESIGN "The author's arc"): the author says "Just listening" or "Advice welcome" when
 * posting and may change it (pushed live); the reply box's check nudges advice in a listening story and signposts
 * crisis help, storing nothing and blocking nothing; the author may report a reply as having ignored the mode.
 */
describe('reply mode', () => {
  let t: TestApp;
  let author: Member;
  let reader: Member;
  let other: Member;
  let mod: Member;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startApp();
    [author, reader, other, mod] = [await registerMember(t), await registerMember(t), await registerMember(t), await registerMember(t)];
    await setRole(t, mod.id, 'moderator');
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  const check = (m: Member, threadId: string, body: unknown) => t.http().post(`/api/threads/${threadId}/replies/check`).set('Cookie', m.cookie).send(body as object);
  const patch = (m: Member, threadId: string, body: object) => t.http().patch(`/api/threads/${threadId}`).set('Cookie', m.cookie).send(body);
  const report = (m: Member, body: object) => t.http().post('/api/reports').set('Cookie', m.cookie).send(body);
  const ADVICE = 'You should talk to your manager. Have you tried writing it all down?';

  describe('choosing it', () => {
    it('is advice unless the author chooses listening when posting, and every reader sees it', async () => {
      const plain = await createStory(t, author);
      expect(plain.replyMode).toBe('advice');
      const listening = await createStory(t, author, { replyMode: 'listening' });
      expect(listening.replyMode).toBe('listening');
      expect((await t.http().get(`/api/threads/${listening.id}`).set('Cookie', reader.cookie)).body.replyMode).toBe('listening');
      const advice = await createStory(t, author, { replyMode: 'advice' });
      expect(advice.replyMode).toBe('advice');
    });

    it('refuses an unknown mode at creation with a field error, and posts nothing', async () => {
      const title = `Unknown mode ${randomUUID()}`;
      for (const replyMode of ['venting', '', null, 1, ['listening'], 'LISTENING']) {
        const res = await t.http().post('/api/threads').set('Cookie', author.cookie).send(storyBody({ title, replyMode }));
        expect([replyMode, res.status]).toEqual([replyMode, 400]);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(res.body.errors).toContainEqual({ field: 'replyMode', message: 'replyMode must be listening or advice' });
      }
      const [{ n }] = await t.db.dataSource.query('SELECT count(*)::int AS n FROM threads WHERE title = $1', [title]);
      expect(n).toBe(0);
    });

    it('lets the author change it without marking the story edited; others get 403, or 404 where they cannot see it', async () => {
      const story = await createStory(t, author);
      const changed = await patch(author, story.id, { replyMode: 'listening' });
      expect(changed.status).toBe(200);
      expect(changed.body.replyMode).toBe('listening');
      expect(changed.body.editedAt).toBeNull();
      const [{ n }] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM revisions WHERE target_type = 'thread' AND target_id = $1`, [story.id]);
      expect(n).toBe(0);
      // the same mode again changes nothing and is fine
      expect((await patch(author, story.id, { replyMode: 'listening' })).body.replyMode).toBe('listening');

      const refused = await patch(reader, story.id, { replyMode: 'advice' });
      expect(refused.status).toBe(403);
      expect((await patch(mod, story.id, { replyMode: 'advice' })).status).toBe(403);
      const held = await createStory(t, other);
      await t.db.dataSource.query(`UPDATE threads SET status = 'pending' WHERE id = $1`, [held.id]);
      expect((await patch(author, held.id, { replyMode: 'listening' })).status).toBe(404);
      expect((await patch(author, randomUUID(), { replyMode: 'listening' })).status).toBe(404);
      expect((await t.http().get(`/api/threads/${story.id}`).set('Cookie', reader.cookie)).body.replyMode).toBe('listening');
    });

    it('refuses a bad mode in a PATCH with a field error and changes nothing, even beside a good edit', async () => {
      const story = await createStory(t, author, { replyMode: 'listening' });
      for (const body of [{ replyMode: 'sometimes' }, { replyMode: null }, { replyMode: 'advice ', title: 'A better title for it' }]) {
        const res = await patch(author, story.id, body);
        expect(res.status).toBe(400);
        expect(res.body.errors).toContainEqual({ field: 'replyMode', message: 'replyMode must be listening or advice' });
      }
      const now = (await t.http().get(`/api/threads/${story.id}`).set('Cookie', author.cookie)).body;
      expect(now.replyMode).toBe('listening');
      expect(now.title).toBe(storyBody().title);
    });

    it('changes with an edit of the story too', async () => {
      const story = await createStory(t, author);
      const res = await patch(author, story.id, { title: 'The job I did not get, a year on', replyMode: 'listening' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ title: 'The job I did not get, a year on', replyMode: 'listening' });
      expect(res.body.editedAt).not.toBeNull();
    });

    it('pushes the change live to readers of the story', async () => {
      const story = await createStory(t, author);
      const socket = await connect(t, reader.cookie);
      sockets.push(socket);
      expect(await emitAck(socket, 'thread.join', { threadId: story.id })).toMatchObject({ ok: true });
      const log = record(socket);
      await patch(author, story.id, { replyMode: 'listening' });
      // barrier: a reply after the change must arrive; the change's push must have come before it
      const barrier = await createReply(t, other, story.id);
      const earlier = await before(log, withId('reply.created', barrier.id));
      const updates = earlier.filter(withId('thread.updated', story.id)).map((r) => r.payload as { replyMode: string });
      expect(updates.map((u) => u.replyMode)).toEqual(['listening']);

      // setting the mode it already has pushes nothing
      await patch(author, story.id, { replyMode: 'listening' });
      const second = await createReply(t, other, story.id);
      const between = (await before(log, withId('reply.created', second.id))).slice(earlier.length + 1);
      expect(between.filter(withId('thread.updated', story.id))).toEqual([]);
    });
  });

  describe('checking a reply', () => {
    it('nudges advice phrasing in a listening story, kindly and without storing anything', async () => {
      const story = await createStory(t, author, { replyMode: 'listening' });
      const res = await check(reader, story.id, { body: ADVICE });
      expect(res.status).toBe(200);
      expect(res.body.crisis).toBe(false);
      expect(res.body.resources).toBeUndefined();
      expect(res.body.nudges).toHaveLength(1);
      expect(res.body.nudges[0]).toEqual({ code: 'ADVICE_WHILE_LISTENING', message: expect.stringContaining('reflect back what you heard') });
      expect(res.body.nudges[0].message).toContain('“you should”');
      const [{ n }] = await t.db.dataSource.query('SELECT count(*)::int AS n FROM replies WHERE thread_id = $1', [story.id]);
      expect(n).toBe(0);
      // a nudge never blocks sending: the same words post as a reply
      const sent = await t.http().post(`/api/threads/${story.id}/replies`).set('Cookie', reader.cookie).send({ body: ADVICE });
      expect(sent.status).toBe(201);
    });

    it('does not nudge advice where advice is welcome, words that listen, or the author in their own story', async () => {
      const advice = await createStory(t, author, { replyMode: 'advice' });
      expect((await check(reader, advice.id, { body: ADVICE })).body).toEqual({ crisis: false, nudges: [] });
      const listening = await createStory(t, author, { replyMode: 'listening' });
      expect((await check(reader, listening.id, { body: 'That sounds so lonely. I just wanted to say I hear you.' })).body).toEqual({ crisis: false, nudges: [] });
      expect((await check(author, listening.id, { body: 'You should all know how much this helped.' })).body.nudges).toEqual([]);
    });

    it('follows the mode as the author changes it', async () => {
      const story = await createStory(t, author);
      expect((await check(reader, story.id, { body: ADVICE })).body.nudges).toEqual([]);
      await patch(author, story.id, { replyMode: 'listening' });
      expect((await check(reader, story.id, { body: ADVICE })).body.nudges).toHaveLength(1);
    });

    it('signposts crisis help in either mode', async () => {
      for (const replyMode of ['advice', 'listening']) {
        const story = await createStory(t, author, { replyMode });
        const res = await check(reader, story.id, { body: 'Honestly, some days I want to die too.' });
        expect(res.status).toBe(200);
        expect(res.body.crisis).toBe(true);
        expect(res.body.resources.length).toBeGreaterThan(0);
        expect(res.body.resources[0]).toEqual(expect.objectContaining({ name: expect.any(String) }));
      }
    });

    it('is 404 where the story cannot be seen, as replying would be', async () => {
      const held = await createStory(t, other, { replyMode: 'listening' });
      await t.db.dataSource.query(`UPDATE threads SET status = 'pending' WHERE id = $1`, [held.id]);
      const hidden = await createStory(t, other, { replyMode: 'listening' });
      await t.db.dataSource.query('UPDATE threads SET hidden = true WHERE id = $1', [hidden.id]);
      for (const id of [held.id, hidden.id, randomUUID(), 'not-a-story']) {
        const res = await check(reader, id, { body: ADVICE });
        expect([id, res.status]).toEqual([id, 404]);
      }
      // a moderator may read a hidden story but not answer it
      expect((await check(mod, hidden.id, { body: ADVICE })).status).toBe(404);
      // the held story's own author may
      expect((await check(other, held.id, { body: 'A note to myself.' })).status).toBe(200);
      // visitors are asked to sign in
      expect((await t.http().post(`/api/threads/${held.id}/replies/check`).send({ body: ADVICE })).status).toBe(401);
    });

    it('refuses an empty or oversized body with a field error', async () => {
      const story = await createStory(t, author, { replyMode: 'listening' });
      for (const body of [{}, { body: '' }, { body: '   \n ' }, { body: 'x'.repeat(10_001) }, { body: 42 }, { body: 'a\u0000b' }]) {
        const res = await check(reader, story.id, body);
        expect([body, res.status]).toEqual([body, 400]);
        expect(res.body.errors?.[0]?.field).toBe('body');
      }
    });
  });

  describe('reporting a reply that ignored the mode', () => {
    it('lets the author report a reply in their listening story, and moderators see it grouped with its reason', async () => {
      const story = await createStory(t, author, { replyMode: 'listening' });
      const reply = await createReply(t, reader, story.id, { body: ADVICE });
      const res = await report(author, { targetType: 'reply', targetId: reply.id, reason: 'ignored_reply_mode', note: 'I asked for listening.' });
      expect(res.status).toBe(201);
      const groups: { targetType: string; targetId: string; reasons: Record<string, number>; notes: string[] }[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: typeof groups; nextCursor: string | null } } = await t.http()
          .get('/api/mod/reports').query({ status: 'open', limit: 50, ...(cursor ? { cursor } : {}) }).set('Cookie', mod.cookie);
        groups.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      const mine = groups.filter((g) => g.targetType === 'reply' && g.targetId === reply.id);
      expect(mine).toHaveLength(1);
      expect(mine[0].reasons).toEqual({ ignored_reply_mode: 1 });
      expect(mine[0].notes).toEqual(['I asked for listening.']);
      // it is not a report of harm: the reply stays
      expect((await t.http().get(`/api/threads/${story.id}/replies`).set('Cookie', other.cookie)).body.items.map((r: { id: string; bodyHtml?: string }) => r.id)).toContain(reply.id);
    });

    it('refuses it with a field error to anyone but the author, outside listening mode, on a story, or on their own reply', async () => {
      const listening = await createStory(t, author, { replyMode: 'listening' });
      const advice = await createStory(t, author, { replyMode: 'advice' });
      const inListening = await createReply(t, reader, listening.id, { body: ADVICE });
      const inAdvice = await createReply(t, reader, advice.id, { body: ADVICE });
      const own = await createReply(t, author, listening.id, { body: 'Thank you all.' });
      const cases: [Member, object][] = [
        [other, { targetType: 'reply', targetId: inListening.id }],
        [author, { targetType: 'reply', targetId: inAdvice.id }],
        [author, { targetType: 'thread', targetId: listening.id }],
        [author, { targetType: 'user', targetId: reader.id }],
        [author, { targetType: 'reply', targetId: own.id }],
      ];
      for (const [who, target] of cases) {
        const res = await report(who, { ...target, reason: 'ignored_reply_mode' });
        expect([target, res.status]).toEqual([target, 400]);
        expect(res.body.errors).toContainEqual({ field: 'reason', message: expect.stringContaining('ignored_reply_mode') });
      }
      const [{ n }] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM reports WHERE reason = 'ignored_reply_mode' AND thread_id IN ($1, $2)`, [listening.id, advice.id]);
      expect(n).toBe(0);
      // once the author asks for listening, the reply in the other story may be reported
      await patch(author, advice.id, { replyMode: 'listening' });
      expect((await report(author, { targetType: 'reply', targetId: inAdvice.id, reason: 'ignored_reply_mode' })).status).toBe(201);
      // a reply the author cannot see is still 404, whatever the reason
      expect((await report(author, { targetType: 'reply', targetId: '999999999', reason: 'ignored_reply_mode' })).status).toBe(404);
    });
  });
});
