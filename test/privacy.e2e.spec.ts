import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import { Member, registerMember, sessionCookie, setRole, startApp, TestApp, uniqueName } from './support/app.js';
import { createReply, createStory } from './support/factories.js';
import { collect, connect, emitAck, sleep, waitFor } from './support/sockets.js';

describe('trust and privacy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('recovery codes', () => {
    it('gives 8 codes at sign-up, stored hashed, and a code works once and never twice', async () => {
      const username = uniqueName('rec');
      const reg = await t.http().post('/api/auth/register').send({ username, password: 'first password', acceptGuidelines: true, confirmAge: true });
      const codes: string[] = reg.body.recoveryCodes;
      expect(codes).toHaveLength(8);
      expect(new Set(codes).size).toBe(8);
      const stored = await t.db.dataSource.query('SELECT code_hash FROM recovery_codes WHERE user_id = $1', [reg.body.id]);
      expect(stored).toHaveLength(8);
      expect(JSON.stringify(stored)).not.toContain(codes[0]);
      expect((await t.http().get('/api/auth/me').set('Cookie', sessionCookie(reg))).body.recoveryCodes).toBeUndefined();

      const wrong = await t.http().post('/api/auth/recover').send({ username, code: 'aaaa-bbbb-cccc', newPassword: 'second password' });
      expect(wrong.status).toBe(401);
      const ok = await t.http().post('/api/auth/recover').send({ username, code: codes[3].toUpperCase(), newPassword: 'second password' });
      expect(ok.status).toBe(200);
      expect(ok.body.remainingCodes).toBe(7);
      expect((await t.http().get('/api/auth/me').set('Cookie', sessionCookie(reg))).status).toBe(401); // every session ended
      expect((await t.http().post('/api/auth/login').send({ username, password: 'second password' })).status).toBe(200);
      const again = await t.http().post('/api/auth/recover').send({ username, code: codes[3], newPassword: 'third password' });
      expect(again.status).toBe(401);
      expect((await t.http().post('/api/auth/login').send({ username, password: 'third password' })).status).toBe(401);
    });

    it('regenerates codes with the password, invalidating the old ones', async () => {
      const username = uniqueName('regen');
      const reg = await t.http().post('/api/auth/register').send({ username, password: 'first password', acceptGuidelines: true, confirmAge: true });
      const cookie = sessionCookie(reg);
      expect((await t.http().post('/api/auth/recovery-codes').set('Cookie', cookie).send({ password: 'nope' })).status).toBe(401);
      const fresh = await t.http().post('/api/auth/recovery-codes').set('Cookie', cookie).send({ password: 'first password' });
      expect(fresh.body.recoveryCodes).toHaveLength(8);
      expect((await t.http().post('/api/auth/recover').send({ username, code: reg.body.recoveryCodes[0], newPassword: 'other password' })).status).toBe(401);
      expect((await t.http().post('/api/auth/recover').send({ username, code: fresh.body.recoveryCodes[0], newPassword: 'other password' })).status).toBe(200);
    });
  });

  it('exports exactly the member\'s own content, and nothing of anyone else\'s', async () => {
    const me = await registerMember(t);
    const other = await registerMember(t);
    const mine = await createStory(t, me, { anonymous: true, title: 'My private export story' });
    const theirs = await createStory(t, other, { anonymous: true, title: 'Someone else story', happened: 'Their own words that must not appear in my export.' });
    await createReply(t, me, theirs.id, { body: 'my reply in their story' });
    // anonymous, so the notification it causes names a pseudonym: the export must not reveal the account behind it
    await createReply(t, other, mine.id, { body: 'their reply in my story, secret words', anonymous: true });
    await t.http().put('/api/drafts/new-story').set('Cookie', me.cookie).send({ data: { title: 'half a thought' } });
    await t.http().put(`/api/threads/${theirs.id}/reactions/thanks`).set('Cookie', me.cookie);
    const res = await t.http().get('/api/me/export').set('Cookie', me.cookie);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="setback-export-/);
    const body = res.body;
    expect(body.account).toMatchObject({ id: me.id, username: me.username });
    expect(body.stories.map((s: { id: string }) => s.id)).toEqual([mine.id]);
    expect(body.replies.map((r: { body: string }) => r.body)).toEqual(['my reply in their story']);
    expect(body.drafts).toEqual([expect.objectContaining({ key: 'new-story', data: { title: 'half a thought' } })]);
    expect(body.reactionsGiven).toEqual([expect.objectContaining({ threadId: theirs.id, kind: 'thanks' })]);
    const text = JSON.stringify(body);
    expect(text).not.toContain(other.username);
    expect(text).not.toContain(other.id);
    expect(text).not.toContain('secret words');
    expect(text).not.toContain('Their own words');
  });

  it.each(['anonymize', 'erase'] as const)('%s: threads stay readable, the member leaves no name (and with erase no text) anywhere', async (mode) => {
    const leaver = await registerMember(t);
    const reader = await registerMember(t);
    const word = `Quokkatastic${mode}`;
    const own = await createStory(t, leaver, { title: `Leaving story ${word}`, happened: `The ${word} text of a story that others answered.` });
    await createReply(t, reader, own.id, { body: 'A kind answer' });
    const host = await createStory(t, reader, { title: 'A host story for replies' });
    const r = await createReply(t, leaver, host.id, { body: `my ${word} reply` });
    const socket = await connect(t, reader.cookie);
    const updates = collect(socket, 'thread.updated');
    await emitAck(socket, 'thread.join', { threadId: own.id });
    const leaverSocket = await connect(t, leaver.cookie);
    const ended = collect<{ reason: string }>(leaverSocket, 'session.ended');

    expect((await t.http().delete('/api/me').set('Cookie', leaver.cookie).send({ password: 'wrong', mode })).status).toBe(401);
    expect((await t.http().delete('/api/me').set('Cookie', leaver.cookie).send({ password: leaver.password, mode })).status).toBe(204);
    await waitFor(() => ended.length === 1, 3000, 'session.ended');
    expect((await t.http().get('/api/auth/me').set('Cookie', leaver.cookie)).status).toBe(401);
    expect((await t.http().post('/api/auth/login').send({ username: leaver.username, password: leaver.password })).status).toBe(401);
    await waitFor(() => updates.length > 0, 3000, 'thread.updated');

    const bodies = [
      JSON.stringify((await t.http().get(`/api/threads/${own.id}`).set('Cookie', reader.cookie)).body),
      JSON.stringify((await t.http().get(`/api/threads/${own.id}/replies`).set('Cookie', reader.cookie)).body),
      JSON.stringify((await t.http().get(`/api/threads/${host.id}/replies`).set('Cookie', reader.cookie)).body),
      JSON.stringify((await t.http().get('/api/threads?limit=50').set('Cookie', reader.cookie)).body),
      JSON.stringify((await t.http().get('/api/threads').query({ q: word }).set('Cookie', reader.cookie)).body),
      JSON.stringify(updates),
    ];
    for (const b of bodies) {
      expect(b).not.toContain(leaver.username);
      expect(b).not.toContain(leaver.id);
    }
    const story = (await t.http().get(`/api/threads/${own.id}`).set('Cookie', reader.cookie)).body;
    expect(story.author).toEqual({ pseudonym: 'Former member' });
    expect(story.replyCount).toBe(1);
    const hostReplies = (await t.http().get(`/api/threads/${host.id}/replies`).set('Cookie', reader.cookie)).body.items;
    if (mode === 'erase') {
      for (const b of bodies) expect(b).not.toContain(word);
      expect(story.happenedHtml).toContain('removed');
      expect(hostReplies).toEqual([{ id: r.id, threadId: host.id, deleted: true }]);
      const [{ n }] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM replies WHERE author_id = $1 AND body_md <> ''`, [leaver.id]);
      expect(n).toBe(0);
    } else {
      expect(story.happenedHtml).toContain(word);
      expect(hostReplies[0]).toMatchObject({ id: r.id, author: { pseudonym: 'Former member' } });
    }
    expect((await t.http().get(`/api/users/${leaver.username}`).set('Cookie', reader.cookie)).status).toBe(404);
    socket.close();
    leaverSocket.close();
  });

  it('sends no notification from a muted story, and none at all during a break', async () => {
    const author = await registerMember(t);
    const replier = await registerMember(t);
    const s1 = await createStory(t, author);
    const s2 = await createStory(t, author);
    expect((await t.http().put(`/api/threads/${s1.id}/mute`).set('Cookie', author.cookie)).body).toEqual({ muted: true });
    await createReply(t, replier, s1.id);
    // barrier: the reply to the other story, made after the muted one, must be notified; the muted one must not be there with it
    const barrier = await createReply(t, replier, s2.id);
    const notified = async (replyId: string) => {
      for (let i = 0; i < 100; i++) {
        const items: { threadId: string; replyId: string | null }[] = (await t.http().get('/api/notifications').set('Cookie', author.cookie)).body.items;
        if (items.some((n) => n.replyId === replyId)) return items;
        await sleep(50);
      }
      throw new Error(`no notification for reply ${replyId} within 5 s`);
    };
    const items = await notified(barrier.id);
    expect(items.map((n) => n.threadId)).toEqual([s2.id]);

    const brk = await t.http().post('/api/me/break').set('Cookie', author.cookie).send({ days: 3 });
    expect(brk.status).toBe(200);
    expect(Date.parse(brk.body.breakUntil)).toBeGreaterThan(Date.now() + 2 * 86_400_000);
    expect((await t.http().get('/api/auth/me').set('Cookie', author.cookie)).body.breakUntil).toBe(brk.body.breakUntil);
    const during = await createReply(t, replier, s2.id);
    // its notifications are decided from its outbox row: once that is gone they were decided, during the break
    for (let i = 0; i < 200; i++) {
      const [{ n }]: { n: number }[] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE payload->>'replyId' = $1`, [during.id]);
      if (n === 0) break;
      await sleep(25);
    }
    // barrier: once the break ends, a later reply is notified; the one during the break must not be there with it
    await t.http().delete('/api/me/break').set('Cookie', author.cookie);
    expect((await t.http().get('/api/auth/me').set('Cookie', author.cookie)).body.breakUntil).toBeNull();
    const later = await createReply(t, replier, s2.id);
    const after = await notified(later.id);
    expect(after.map((n) => n.replyId)).not.toContain(during.id);
    // the barrier's and the later reply's are one notification (replies to a story are grouped while unread): two
    // replies in it, never the one written during the break
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ threadId: s2.id, replyId: later.id, count: 2 });
  });

  it('refuses replies to a paused story and tells readers live', async () => {
    const author = await registerMember(t);
    const reader = await registerMember(t);
    const s = await createStory(t, author);
    const socket = await connect(t, reader.cookie);
    const updates = collect<{ paused: boolean }>(socket, 'thread.updated');
    await emitAck(socket, 'thread.join', { threadId: s.id });
    await t.http().post(`/api/threads/${s.id}/pause`).set('Cookie', author.cookie);
    await waitFor(() => updates.some((u) => u.paused), 3000, 'paused live');
    const res = await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', reader.cookie).send({ body: 'hello?' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('REPLIES_PAUSED');
    socket.close();
  });

  it('serves the privacy page to visitors', async () => {
    const res = await t.http().get('/api/privacy');
    expect(res.status).toBe(200);
    expect(res.body.text).toMatch(/No trackers/);
  });
});

describe('staff two-factor sign-in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ REQUIRE_STAFF_2FA: 'true' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses moderation routes until a moderator turns it on, then asks for the code at sign-in', async () => {
    const mod: Member = await registerMember(t);
    await setRole(t, mod.id, 'moderator');
    const refused = await t.http().get('/api/mod/queue').set('Cookie', mod.cookie);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('SECOND_FACTOR_SETUP_REQUIRED');
    expect(refused.body.message).toMatch(/two-factor/);
    const setup = await t.http().post('/api/auth/2fa/setup').set('Cookie', mod.cookie);
    expect(setup.status).toBe(200);
    expect(setup.body.qrSvg).toMatch(/^<svg/);
    expect(setup.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Setback:/);
    expect((await t.http().post('/api/auth/2fa/enable').set('Cookie', mod.cookie).send({ code: '000000' })).status).toBe(401);
    const code = await generate({ secret: setup.body.secret });
    expect((await t.http().post('/api/auth/2fa/enable').set('Cookie', mod.cookie).send({ code })).status).toBe(200);
    expect((await t.http().get('/api/mod/queue').set('Cookie', mod.cookie)).status).toBe(200);

    const noCode = await t.http().post('/api/auth/login').send({ username: mod.username, password: mod.password });
    expect(noCode.status).toBe(401);
    expect(noCode.body.code).toBe('SECOND_FACTOR_REQUIRED');
    expect((await t.http().post('/api/auth/login').send({ username: mod.username, password: mod.password, code: '123456' })).status).toBe(401);
    const fresh = await generate({ secret: setup.body.secret });
    const ok = await t.http().post('/api/auth/login').send({ username: mod.username, password: mod.password, code: fresh });
    expect(ok.status).toBe(200);
    // a code works for one sign-in only
    expect((await t.http().post('/api/auth/login').send({ username: mod.username, password: mod.password, code: fresh })).status).toBe(401);
    expect((await t.http().get('/api/mod/queue').set('Cookie', sessionCookie(ok))).status).toBe(200);
    // members are not affected by the staff rule
    const member = await registerMember(t);
    expect((await t.http().get('/api/threads').set('Cookie', member.cookie)).status).toBe(200);
  });
});

describe('recovery throttling', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ RATE_LIMIT_SCALE: '1' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('throttles wrong recovery codes', async () => {
    const m = await registerMember(t);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await t.http().post('/api/auth/recover').send({ username: m.username, code: `wron-gcod-e${i}xx`, newPassword: 'whatever pass' })).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});
