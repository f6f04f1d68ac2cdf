import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import { RemindersService } from '../src/arc/reminders.service.js';
import { Member, registerMember, setRole, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';
import { before, collect, connect, emitAck, record, waitFor, withId } from './support/sockets.js';

/**
 * The author's arc (issue 15 items 1–2): follow-ups under a story, the private reminder to write one, and the replies
 * that helped the author most. Runs on PostgreSQL (TEST_DATABASE_URL) and on the embedded database alike.
 */
describe('the author\'s arc', () => {
  let t: TestApp;
  let author: Member;
  let reader: Member;
  let other: Member;
  const sockets: Socket[] = [];

  // starting the app (a fresh embedded database without TEST_DATABASE_URL) can take a while on a busy machine
  beforeAll(async () => {
    t = await startApp();
    [author, reader, other] = [await registerMember(t), await registerMember(t), await registerMember(t)];
  }, 120_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  const followUp = (m: Member, threadId: string, body: unknown) => t.http().post(`/api/threads/${threadId}/follow-ups`).set('Cookie', m.cookie).send({ body });
  const story = (m: Member, id: string) => t.http().get(`/api/threads/${id}`).set('Cookie', m.cookie);
  const notificationsOf = async (m: Member, kind: string, threadId: string) => {
    const res = await t.http().get('/api/notifications?limit=50').set('Cookie', m.cookie);
    return (res.body.items as { kind: string; threadId: string; text: string; replyId: string | null }[]).filter((n) => n.kind === kind && n.threadId === threadId);
  };
  const socketFor = async (m: Member) => {
    const s = await connect(t, m.cookie);
    sockets.push(s);
    return s;
  };

  describe('follow-ups', () => {
    it('adds follow-ups in order, rendered and sanitized, shown in the story and pushed live to its readers', async () => {
      const s = await createStory(t, author, { title: 'The shop I closed' });
      const live = await socketFor(reader);
      const updates = collect<{ id: string; followUps?: { id: string }[] }>(live, 'thread.updated');
      expect(await emitAck(live, 'thread.join', { threadId: s.id })).toMatchObject({ ok: true });

      const first = await followUp(author, s.id, 'Three months later: **better**. <script>alert(1)</script> [x](javascript:alert(1))');
      expect(first.status).toBe(201);
      expect(Object.keys(first.body).sort()).toEqual(['bodyHtml', 'createdAt', 'id', 'threadId']);
      expect(first.body.threadId).toBe(s.id);
      expect(first.body.bodyHtml).toContain('<strong>better</strong>');
      expect(first.body.bodyHtml).not.toMatch(/<script|href="javascript/i);
      await waitFor(() => updates.some((u) => u.followUps?.length === 1), 5000, 'the first follow-up pushed');

      const second = await followUp(author, s.id, 'A year later: I opened a new one.');
      expect(second.status).toBe(201);
      await waitFor(() => updates.some((u) => u.followUps?.length === 2), 5000, 'the second follow-up pushed');
      expect(updates.find((u) => u.followUps?.length === 2)?.followUps?.map((f) => f.id)).toEqual([first.body.id, second.body.id]);

      const view = await story(reader, s.id);
      expect(view.body.followUps).toEqual([first.body, second.body]);
      // the reminder is the author's own business
      expect(view.body).not.toHaveProperty('reminderAt');
      expect((await story(author, s.id)).body.reminderAt).toBeNull();
    });

    it('refuses other members (403), those who may not read the story (404), and empty or oversized bodies (400), changing nothing', async () => {
      const s = await createStory(t, author, { title: 'Refusals for follow-ups' });
      expect((await followUp(reader, s.id, 'Not my story')).status).toBe(403);
      const mod = await registerMember(t);
      await setRole(t, mod.id, 'moderator');
      expect((await followUp(mod, s.id, 'Not theirs either')).status).toBe(403);
      for (const body of ['', '   \n ', 'x'.repeat(10_001), 42, null]) {
        const res = await followUp(author, s.id, body);
        expect([String(body).slice(0, 10), res.status, res.body.code]).toEqual([String(body).slice(0, 10), 400, 'VALIDATION_FAILED']);
        expect(res.body.errors?.[0]?.field).toBe('body');
      }
      expect((await t.http().post(`/api/threads/${s.id}/follow-ups`).set('Cookie', author.cookie).send({ body: 'ok', extra: 1 })).status).toBe(400);
      expect((await followUp(author, '00000000-0000-4000-8000-000000000000', 'Nowhere')).status).toBe(404);
      expect((await followUp(author, 'not-a-uuid', 'Nowhere')).status).toBe(404);
      // a deleted story is not theirs to add to any more
      const gone = await createStory(t, author, { title: 'Deleted before its follow-up' });
      await t.http().delete(`/api/threads/${gone.id}`).set('Cookie', author.cookie).expect(204);
      expect((await followUp(author, gone.id, 'Too late')).status).toBe(404);
      expect((await followUp(reader, gone.id, 'Too late')).status).toBe(404);
      expect((await story(author, s.id)).body.followUps).toEqual([]);
    });

    it('keeps an anonymous story anonymous: the view shows follow-ups under the story, with nothing of the account', async () => {
      const s = await createStory(t, author, { title: 'Told anonymously, followed up', anonymous: true });
      const res = await followUp(author, s.id, 'Later on, it got easier.');
      expect(res.status).toBe(201);
      const view = await story(reader, s.id);
      expect(view.body.author).toEqual({ pseudonym: expect.any(String), isAuthor: true });
      expect(JSON.stringify(view.body)).not.toContain(author.id);
      expect(JSON.stringify(view.body)).not.toContain(author.username);
    });

    it('screens a follow-up like a post: words of crisis answer with support and report the story to moderators', async () => {
      const s = await createStory(t, author, { title: 'A follow-up that worries' });
      const res = await followUp(author, s.id, 'Some nights I want to die, and I do not know who to tell.');
      expect(res.status).toBe(201);
      expect(res.body.safety).toMatchObject({ crisis: true, resources: expect.any(Array) });
      // the automatic report comes from the follow-up's outbox row, written in its transaction
      let reports: { reason: string; automatic: boolean }[] = [];
      for (let i = 0; i < 100 && !reports.length; i++) {
        reports = await t.db.dataSource.query(`SELECT reason, automatic FROM reports WHERE target_type = 'thread' AND target_id = $1`, [s.id]);
        if (!reports.length) await new Promise((r) => setTimeout(r, 50));
      }
      expect(reports).toEqual([{ reason: 'crisis', automatic: true }]);
      // readers see the follow-up (it is not held); the crisis mark is for the author and staff only
      expect((await story(reader, s.id)).body.followUps).toHaveLength(1);
    });

    it('puts follow-ups, reminders and highlights in the export, and erasing the account removes them', async () => {
      const m = await registerMember(t);
      const s = await createStory(t, m, { title: 'Exported arc' });
      const r = await createReply(t, reader, s.id, { body: 'Exported highlight' });
      await followUp(m, s.id, 'Exported follow-up').expect(201);
      await t.http().put(`/api/threads/${s.id}/reminder`).set('Cookie', m.cookie).send({ inMonths: 6 }).expect(200);
      await t.http().put(`/api/threads/${s.id}/highlights/${r.id}`).set('Cookie', m.cookie).expect(200);
      const exported = (await t.http().get('/api/me/export').set('Cookie', m.cookie)).body;
      expect(exported.followUps).toEqual([{ threadId: s.id, body: 'Exported follow-up', createdAt: expect.any(String) }]);
      expect(exported.followUpReminders).toEqual([{ threadId: s.id, inMonths: 6, dueAt: expect.any(String), firedAt: null }]);
      expect(exported.highlightedReplies).toEqual([{ threadId: s.id, replyId: r.id, createdAt: expect.any(String) }]);
      // nothing of it in anyone else's export
      const theirs = (await t.http().get('/api/me/export').set('Cookie', reader.cookie)).body;
      expect(theirs.followUps.some((f: { threadId: string }) => f.threadId === s.id)).toBe(false);

      await t.http().delete('/api/me').set('Cookie', m.cookie).send({ password: m.password, mode: 'erase' }).expect(204);
      const [left] = await t.db.dataSource.query(
        `SELECT (SELECT count(*)::int FROM follow_ups WHERE thread_id = $1) AS f, (SELECT count(*)::int FROM follow_up_reminders WHERE thread_id = $1) AS m,
                (SELECT count(*)::int FROM reply_highlights WHERE thread_id = $1) AS h`,
        [s.id],
      );
      expect(left).toEqual({ f: 0, m: 0, h: 0 });
    });

    it('anonymizing an account keeps its follow-ups but drops its reminders', async () => {
      const m = await registerMember(t);
      const s = await createStory(t, m, { title: 'Anonymized arc' });
      await followUp(m, s.id, 'Still here after I left').expect(201);
      await t.http().put(`/api/threads/${s.id}/reminder`).set('Cookie', m.cookie).send({ inMonths: 1 }).expect(200);
      await t.http().delete('/api/me').set('Cookie', m.cookie).send({ password: m.password, mode: 'anonymize' }).expect(204);
      const view = await story(reader, s.id);
      expect(view.body.followUps.map((f: { bodyHtml: string }) => f.bodyHtml)).toEqual(['<p>Still here after I left</p>']);
      expect(await t.db.dataSource.query(`SELECT 1 FROM follow_up_reminders WHERE thread_id = $1`, [s.id])).toEqual([]);
    });
  });

  describe('reminders', () => {
    const reminder = (m: Member, id: string, body?: unknown) =>
      body === undefined ? t.http().delete(`/api/threads/${id}/reminder`).set('Cookie', m.cookie) : t.http().put(`/api/threads/${id}/reminder`).set('Cookie', m.cookie).send(body as object);
    /** The test's clock: the reminder becomes due now, instead of in months. */
    const makeDue = (threadId: string) => t.db.dataSource.query(`UPDATE follow_up_reminders SET due_at = now() - interval '1 minute' WHERE thread_id = $1`, [threadId]);
    const runDue = () => t.app.get(RemindersService).runDue();

    it('sets a reminder in 1, 3, 6 or 12 months, replaces it, and takes it away', async () => {
      const s = await createStory(t, author, { title: 'Reminder choices' });
      const before3 = Date.now();
      const set = await reminder(author, s.id, { inMonths: 3 });
      expect(set.status).toBe(200);
      expect(Object.keys(set.body)).toEqual(['at']);
      const days = (Date.parse(set.body.at) - before3) / 86_400_000;
      expect(days).toBeGreaterThan(85);
      expect(days).toBeLessThan(95);
      expect((await story(author, s.id)).body.reminderAt).toBe(set.body.at);
      const year = await reminder(author, s.id, { inMonths: 12 });
      expect((Date.parse(year.body.at) - Date.now()) / 86_400_000).toBeGreaterThan(360);
      expect((await story(author, s.id)).body.reminderAt).toBe(year.body.at);
      expect((await reminder(author, s.id)).status).toBe(204);
      expect((await story(author, s.id)).body.reminderAt).toBeNull();
    });

    it('refuses other values (400), other members (403) and stories they may not see (404)', async () => {
      const s = await createStory(t, author, { title: 'Reminder refusals' });
      for (const body of [{ inMonths: 2 }, { inMonths: '3' }, { inMonths: 0 }, { inMonths: 24 }, {}, { inMonths: 3, extra: true }]) {
        const res = await reminder(author, s.id, body);
        expect([JSON.stringify(body), res.status, res.body.code]).toEqual([JSON.stringify(body), 400, 'VALIDATION_FAILED']);
      }
      expect((await reminder(reader, s.id, { inMonths: 3 })).status).toBe(403);
      expect((await reminder(reader, s.id)).status).toBe(403);
      expect((await reminder(reader, '00000000-0000-4000-8000-000000000000', { inMonths: 3 })).status).toBe(404);
      expect((await story(author, s.id)).body.reminderAt).toBeNull();
    });

    it('when due, tells the author once, kindly, live and in their list; a deleted story gets none', async () => {
      const s = await createStory(t, author, { title: 'The band that broke up' });
      const deleted = await createStory(t, author, { title: 'A story deleted before its reminder' });
      await reminder(author, s.id, { inMonths: 3 }).expect(200);
      await reminder(author, deleted.id, { inMonths: 1 }).expect(200);
      await t.http().delete(`/api/threads/${deleted.id}`).set('Cookie', author.cookie).expect(204);
      const live = await socketFor(author);
      const log = record(live);

      // not yet due: a run sends nothing for these stories
      await runDue();
      expect(await notificationsOf(author, 'follow_up_reminder', s.id)).toEqual([]);

      await makeDue(s.id);
      await makeDue(deleted.id);
      await Promise.all([runDue(), runDue()]);
      await runDue();
      const stored = await notificationsOf(author, 'follow_up_reminder', s.id);
      expect(stored.map((n) => n.text)).toEqual(['It has been three months since you shared “The band that broke up” — would you like to add how things are now?']);
      expect(await notificationsOf(author, 'follow_up_reminder', deleted.id)).toEqual([]);
      // the deleted story's reminder is used up, not left to be tried again
      expect(await t.db.dataSource.query(`SELECT 1 FROM follow_up_reminders WHERE thread_id = $1 AND fired_at IS NULL`, [deleted.id])).toEqual([]);
      expect((await story(author, s.id)).body.reminderAt).toBeNull();

      // live: exactly one push of it, before a later notification (the barrier)
      await createReply(t, reader, s.id, { body: 'Thinking of you.' });
      const earlier = await before(log, (r) => r.event === 'notification' && (r.payload as { kind: string }).kind === 'reply');
      expect(earlier.filter((r) => r.event === 'notification' && (r.payload as { kind: string; threadId: string }).kind === 'follow_up_reminder' && (r.payload as { threadId: string }).threadId === s.id)).toHaveLength(1);
      expect(earlier.some((r) => r.event === 'notification' && (r.payload as { threadId: string }).threadId === deleted.id)).toBe(false);
    });
  });

  describe('what helped', () => {
    const mark = (m: Member, threadId: string, replyId: string, on = true) =>
      (on ? t.http().put(`/api/threads/${threadId}/highlights/${replyId}`) : t.http().delete(`/api/threads/${threadId}/highlights/${replyId}`)).set('Cookie', m.cookie);

    it('marks up to three replies (idempotently), shows them in the story, tells each writer once, and refuses a fourth (409)', async () => {
      const s = await createStory(t, author, { title: 'What helped me' });
      const replies = [await createReply(t, reader, s.id, { body: 'One' }), await createReply(t, other, s.id, { body: 'Two' }), await createReply(t, reader, s.id, { body: 'Three' })];
      const fourth = await createReply(t, other, s.id, { body: 'Four' });
      const own = await createReply(t, author, s.id, { body: 'My own answer' });
      const live = await socketFor(reader);
      const updates = collect<{ id: string; highlightedReplyIds?: string[] }>(live, 'thread.updated');
      const told = collect<{ kind: string; replyId: string; text: string }>(live, 'notification');
      expect(await emitAck(live, 'thread.join', { threadId: s.id })).toMatchObject({ ok: true });

      for (const r of replies) {
        const res = await mark(author, s.id, r.id);
        expect(res.status).toBe(200);
        // PUT again changes nothing and tells no one again
        expect((await mark(author, s.id, r.id)).body).toEqual(res.body);
      }
      expect((await story(other, s.id)).body.highlightedReplyIds).toEqual(replies.map((r) => r.id));
      await waitFor(() => updates.some((u) => u.highlightedReplyIds?.length === 3), 5000, 'the highlights pushed');

      const tooMany = await mark(author, s.id, fourth.id);
      expect([tooMany.status, tooMany.body.code]).toEqual([409, 'TOO_MANY_HIGHLIGHTS']);
      const mine = await mark(author, s.id, own.id);
      expect(mine.status).toBe(409);

      // unmark one, then the author's own reply fits, and its author (themselves) is not told
      expect((await mark(author, s.id, replies[1].id, false)).body).toEqual({ highlightedReplyIds: [replies[0].id, replies[2].id] });
      expect((await mark(author, s.id, replies[1].id, false)).status).toBe(200);
      expect((await mark(author, s.id, own.id)).body.highlightedReplyIds).toEqual([replies[0].id, replies[2].id, own.id]);
      expect(await notificationsOf(author, 'highlighted', s.id)).toEqual([]);

      const readerTold = await notificationsOf(reader, 'highlighted', s.id);
      expect(readerTold.map((n) => n.replyId).sort()).toEqual([replies[0].id, replies[2].id].sort());
      expect(readerTold[0].text).toBe(`${author.username} marked your reply to “What helped me” as one that helped them most`);
      expect(await notificationsOf(other, 'highlighted', s.id)).toHaveLength(1);
      await waitFor(() => told.filter((n) => n.kind === 'highlighted').length === 2, 5000, 'the live notifications');
    });

    it('names an anonymous author by the story\'s pseudonym only', async () => {
      const s = await createStory(t, author, { title: 'Anonymous and grateful', anonymous: true });
      const r = await createReply(t, reader, s.id, { body: 'You are not alone' });
      await mark(author, s.id, r.id).expect(200);
      const [n] = await notificationsOf(reader, 'highlighted', s.id);
      expect(n.text).toContain((s.author as { pseudonym: string }).pseudonym);
      expect(n.text).not.toContain(author.username);
      const [row] = await t.db.dataSource.query(`SELECT actor_id FROM notifications WHERE kind = 'highlighted' AND thread_id = $1`, [s.id]);
      expect(row.actor_id).toBeNull();
    });

    it('refuses replies of another story, deleted or hidden ones, bad ids, other members (403) and unreadable stories (404)', async () => {
      const s = await createStory(t, author, { title: 'Highlight refusals' });
      const elsewhere = await createStory(t, author, { title: 'Another of my stories' });
      const foreign = await createReply(t, reader, elsewhere.id, { body: 'Elsewhere' });
      const deleted = await createReply(t, reader, s.id, { body: 'Deleted soon' });
      await t.http().delete(`/api/replies/${deleted.id}`).set('Cookie', reader.cookie).expect(204);
      const hidden = await createReply(t, other, s.id, { body: 'Hidden soon' });
      await t.db.dataSource.query(`UPDATE replies SET hidden = true WHERE id = $1`, [hidden.id]);
      const fine = await createReply(t, other, s.id, { body: 'Fine' });
      for (const id of [foreign.id, deleted.id, hidden.id, '999999999999']) expect([id, (await mark(author, s.id, id)).status]).toEqual([id, 404]);
      for (const id of ['abc', '0', '-1', '1.5']) {
        const res = await mark(author, s.id, id);
        expect([id, res.status, res.body.errors?.[0]?.field]).toEqual([id, 400, 'replyId']);
      }
      expect((await mark(reader, s.id, fine.id)).status).toBe(403);
      expect((await mark(reader, '00000000-0000-4000-8000-000000000000', fine.id)).status).toBe(404);
      expect((await story(author, s.id)).body.highlightedReplyIds).toEqual([]);
      expect(await notificationsOf(other, 'highlighted', s.id)).toEqual([]);
    });
  });
});
