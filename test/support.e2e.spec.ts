import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import type { SupportMessageView } from '../src/contract/views.js';
import { Member, registerMember, setRole, startApp, TestApp } from './support/app.js';
import { before, connect, record, waitFor } from './support/sockets.js';

const isSupport = (r: { event: string }) => r.event === 'support.message';
const withBody = (text: string) => (r: { event: string; payload: unknown }) => r.event === 'support.message' && (r.payload as SupportMessageView).bodyHtml.includes(text);

describe('support messages: one private conversation per member with the moderation team', () => {
  let t: TestApp;
  let member: Member;
  let other: Member;
  let moderator: Member;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startApp();
    [member, other, moderator] = await Promise.all([registerMember(t), registerMember(t), registerMember(t)]);
    await setRole(t, moderator.id, 'moderator');
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  const open = async (m: Member): Promise<Socket> => {
    const s = await connect(t, m.cookie);
    sockets.push(s);
    return s;
  };

  it('carries a member message to the team and a team message back, with the notification and the live support.message', async () => {
    const memberSocket = await open(member);
    const staffSocket = await open(moderator);
    const otherSocket = await open(other);
    const memberLog = record(memberSocket);
    const staffLog = record(staffSocket);
    const otherLog = record(otherSocket);

    const asked = await t.http().post('/api/me/support').set('Cookie', member.cookie).send({ body: 'Could someone **look** at my story? <script>alert(1)</script>' });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ from: 'member', bodyHtml: expect.stringContaining('<strong>look</strong>') });
    expect(asked.body.bodyHtml).not.toContain('<script');
    expect(asked.body.moderator).toBeUndefined();

    // staff hear it live, with whose conversation it is
    await waitFor(() => staffLog.some(withBody('look')), 5000, 'support.message to staff');
    expect(staffLog.find(withBody('look'))!.payload).toMatchObject({ id: asked.body.id, from: 'member', member: { id: member.id, username: member.username } });

    const open1 = await t.http().get('/api/mod/support').query({ status: 'open' }).set('Cookie', moderator.cookie);
    expect(open1.status).toBe(200);
    expect(open1.body.items).toContainEqual({ userId: member.id, username: member.username, lastMessageAt: expect.any(String), unread: 1 });

    const reply = await t.http().post(`/api/mod/support/${member.id}`).set('Cookie', moderator.cookie).send({ body: 'Of course. We are here.', includeResources: true });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ from: 'team', moderator: { username: moderator.username }, resources: expect.any(Array) });
    expect(reply.body.resources.length).toBeGreaterThan(0);

    // the member hears it live, without the moderator's name (not signed), and only them among members
    const beforeTeam = await before(memberLog, withBody('We are here'), 5000, 'support.message to the member');
    const toMember = memberLog.find(withBody('We are here'))!.payload as SupportMessageView;
    expect(toMember).toMatchObject({ id: reply.body.id, from: 'team', resources: expect.any(Array) });
    expect(toMember.moderator).toBeUndefined();
    expect(toMember.member).toBeUndefined();
    // the member's own message came back to their own sockets (other tabs), in the member's view, never the staff one
    expect(beforeTeam.filter(isSupport).map((r) => r.payload)).toEqual([expect.not.objectContaining({ member: expect.anything() })]);
    await waitFor(() => memberLog.some((r) => r.event === 'notification' && (r.payload as { kind: string }).kind === 'support'), 5000, 'the notification push');

    // the other member heard nothing: their own message to the team is the barrier
    const mine = await t.http().post('/api/me/support').set('Cookie', other.cookie).send({ body: 'A barrier message from the other member.' });
    expect(mine.status).toBe(201);
    const seen = await before(otherLog, withBody('barrier message'), 5000, 'the barrier');
    expect(seen.filter((r) => r.event === 'support.message' || r.event === 'notification')).toEqual([]);
    // (a member's own message reaches their own sockets too, so the other tabs show it)

    // the notification is stored and counted
    const notes = await t.http().get('/api/notifications').set('Cookie', member.cookie);
    expect(notes.body.items[0]).toMatchObject({ kind: 'support', threadId: null, read: false, text: expect.stringContaining('Messages from the team') });
    expect(notes.body.items[0].text).not.toContain(moderator.username);

    // the member reads the conversation, newest first, never with the moderator's name
    const mine2 = await t.http().get('/api/me/support').set('Cookie', member.cookie);
    expect(mine2.status).toBe(200);
    expect(mine2.body.items.map((m: SupportMessageView) => m.from)).toEqual(['team', 'member']);
    expect(JSON.stringify(mine2.body)).not.toContain(moderator.username);

    // answered: no longer open; staff see both messages with the moderator's name
    const open2 = await t.http().get('/api/mod/support').set('Cookie', moderator.cookie);
    expect(open2.body.items.map((c: { userId: string }) => c.userId)).not.toContain(member.id);
    const all = await t.http().get('/api/mod/support').query({ status: 'all' }).set('Cookie', moderator.cookie);
    expect(all.body.items.map((c: { userId: string }) => c.userId)).toContain(member.id);
    const convo = await t.http().get(`/api/mod/support/${member.id}`).set('Cookie', moderator.cookie);
    expect(convo.status).toBe(200);
    expect(convo.body.items[0]).toMatchObject({ from: 'team', moderator: { username: moderator.username } });
  });

  it('shows the moderator to the member only when they sign', async () => {
    const signed = await t.http().post(`/api/mod/support/${other.id}`).set('Cookie', moderator.cookie).send({ body: 'Checking in, signed.', sign: true });
    expect(signed.status).toBe(201);
    const page = await t.http().get('/api/me/support').set('Cookie', other.cookie);
    expect(page.body.items[0]).toMatchObject({ from: 'team', moderator: { username: moderator.username } });
    expect(page.body.items[0].resources).toBeUndefined();
    const notes = await t.http().get('/api/notifications').set('Cookie', other.cookie);
    expect(notes.body.items[0].text).toContain(moderator.username);
  });

  it('pages a long conversation with a cursor', async () => {
    const m = await registerMember(t);
    for (let i = 0; i < 3; i++) expect((await t.http().post('/api/me/support').set('Cookie', m.cookie).send({ body: `message ${i}` })).status).toBe(201);
    const first = await t.http().get('/api/me/support').query({ limit: 2 }).set('Cookie', m.cookie);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t.http().get('/api/me/support').query({ limit: 2, cursor: first.body.nextCursor }).set('Cookie', m.cookie);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].bodyHtml).toContain('message 0');
    expect(second.body.nextCursor).toBeNull();
    expect((await t.http().get('/api/me/support').query({ cursor: 'garbage' }).set('Cookie', m.cookie)).status).toBe(400);
  });

  it('keeps members out of the team side and out of each other conversations', async () => {
    expect((await t.http().get('/api/mod/support').set('Cookie', member.cookie)).status).toBe(403);
    expect((await t.http().get(`/api/mod/support/${other.id}`).set('Cookie', member.cookie)).status).toBe(403);
    const post = await t.http().post(`/api/mod/support/${other.id}`).set('Cookie', member.cookie).send({ body: 'pretending to be the team' });
    expect(post.status).toBe(403);
    expect(post.body.code).toBe('FORBIDDEN');
    // the member side only ever reads the caller's own conversation: nothing of another member's leaks into it
    const page = await t.http().get('/api/me/support').query({ userId: other.id }).set('Cookie', member.cookie);
    expect(page.status).toBe(400); // unknown parameters are refused, not ignored
    const own = await t.http().get('/api/me/support').set('Cookie', member.cookie);
    expect(JSON.stringify(own.body)).not.toContain('barrier message');
    expect(JSON.stringify(own.body)).not.toContain('Checking in, signed');
    // visitors: 401
    expect((await t.http().get('/api/me/support')).status).toBe(401);
    expect((await t.http().post('/api/me/support').send({ body: 'hello' })).status).toBe(401);
  });

  it('answers 404 for a member who does not exist, and 403 for writing to oneself', async () => {
    expect((await t.http().get(`/api/mod/support/${randomUUID()}`).set('Cookie', moderator.cookie)).status).toBe(404);
    expect((await t.http().get('/api/mod/support/not-a-uuid').set('Cookie', moderator.cookie)).status).toBe(404);
    expect((await t.http().post(`/api/mod/support/${randomUUID()}`).set('Cookie', moderator.cookie).send({ body: 'hello?' })).status).toBe(404);
    expect((await t.http().post(`/api/mod/support/${moderator.id}`).set('Cookie', moderator.cookie).send({ body: 'to myself' })).status).toBe(403);
  });

  it.each([
    ['no body', {}],
    ['an empty body', { body: '' }],
    ['only spaces', { body: '   \n ' }],
    ['a body too long', { body: 'x'.repeat(5001) }],
    ['a number', { body: 42 }],
    ['a NUL byte', { body: 'a\u0000b' }],
    ['an unknown field', { body: 'hello', sign: true }],
  ])('refuses %s from a member with 400 and field errors', async (_what, body) => {
    const res = await t.http().post('/api/me/support').set('Cookie', member.cookie).send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors.length).toBeGreaterThan(0);
  });

  it('refuses a bad team message with 400', async () => {
    const tooLong = await t.http().post(`/api/mod/support/${member.id}`).set('Cookie', moderator.cookie).send({ body: 'y'.repeat(5001) });
    expect(tooLong.status).toBe(400);
    const badFlag = await t.http().post(`/api/mod/support/${member.id}`).set('Cookie', moderator.cookie).send({ body: 'hi', includeResources: 'yes' });
    expect(badFlag.status).toBe(400);
    expect(badFlag.body.errors).toContainEqual({ field: 'includeResources', message: expect.any(String) });
    expect((await t.http().get('/api/mod/support').query({ status: 'maybe' }).set('Cookie', moderator.cookie)).status).toBe(400);
    expect((await t.http().get('/api/mod/support').query({ limit: 51 }).set('Cookie', moderator.cookie)).status).toBe(400);
  });

  it('puts the conversation in the member export, and takes it away when they leave', async () => {
    const m = await registerMember(t);
    await t.http().post('/api/me/support').set('Cookie', m.cookie).send({ body: 'Something private for the team.' }).expect(201);
    await t.http().post(`/api/mod/support/${m.id}`).set('Cookie', moderator.cookie).send({ body: 'We read it.' }).expect(201);
    const exported = await t.http().get('/api/me/export').set('Cookie', m.cookie);
    expect(exported.body.messagesWithTheTeam.map((x: { from: string }) => x.from)).toEqual(['member', 'team']);
    expect(JSON.stringify(exported.body.messagesWithTheTeam)).not.toContain(moderator.username);
    await t.http().delete('/api/me').set('Cookie', m.cookie).send({ password: m.password, mode: 'anonymize' }).expect(204);
    const [{ n }]: { n: number }[] = await t.db.dataSource.query('SELECT count(*)::int AS n FROM support_messages WHERE member_id = $1', [m.id]);
    expect(n).toBe(0);
    expect((await t.http().get(`/api/mod/support/${m.id}`).set('Cookie', moderator.cookie)).status).toBe(404);
    const all = await t.http().get('/api/mod/support').query({ status: 'all', limit: 50 }).set('Cookie', moderator.cookie);
    expect(all.body.items.map((c: { userId: string }) => c.userId)).not.toContain(m.id);
  });

  it('lets a suspended member still write to the team (and says the suspension in words elsewhere)', async () => {
    const m = await registerMember(t);
    expect((await t.http().post(`/api/mod/users/${m.id}/suspend`).set('Cookie', moderator.cookie).send({ days: 2, reason: 'a cooling-off' })).status).toBe(200);
    expect((await t.http().post('/api/me/support').set('Cookie', m.cookie).send({ body: 'Why was I suspended?' })).status).toBe(201);
    const story = await t.http().post('/api/threads').set('Cookie', m.cookie).send({ title: 'A story while suspended', category: 'work', happened: 'Something.' });
    expect(story.status).toBe(403);
    expect(story.body.code).toBe('ACCOUNT_SUSPENDED');
    expect(story.body.message).toMatch(/you can write again in about (2 days|a day)\./);
    expect(story.body.message).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(Date.parse(story.body.until)).toBeGreaterThan(Date.now());
  });
});

describe('support messages: rate limit (at the real allowance)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ RATE_LIMIT_SCALE: '1' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('limits a new member to 10 messages an hour, and says the wait in words', async () => {
    const m = await registerMember(t);
    for (let i = 0; i < 10; i++) expect((await t.http().post('/api/me/support').set('Cookie', m.cookie).send({ body: `message ${i}` })).status).toBe(201);
    const res = await t.http().post('/api/me/support').set('Cookie', m.cookie).send({ body: 'one too many' });
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body.message).toMatch(/about (an hour|\d+ minutes)/);
    expect(res.body.message).not.toMatch(/\d+ s\b/);
  });
});

describe('public help and the suspension on /auth/me', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers GET /api/help and GET /api/guidelines without a session', async () => {
    const help = await t.http().get('/api/help');
    expect(help.status).toBe(200);
    expect(help.body).toEqual({ resources: t.config.crisisResources, text: expect.any(String) });
    expect(help.body.resources.length).toBeGreaterThan(0);
    const guidelines = await t.http().get('/api/guidelines');
    expect(guidelines.status).toBe(200);
    expect(guidelines.body.text).toEqual(expect.any(String));
  });

  it('carries suspendedUntil on /auth/me: null, then the end of a suspension', async () => {
    const [m, mod] = await Promise.all([registerMember(t), registerMember(t)]);
    await setRole(t, mod.id, 'moderator');
    const before = await t.http().get('/api/auth/me').set('Cookie', m.cookie);
    expect(before.body.suspendedUntil).toBeNull();
    await t.http().post(`/api/mod/users/${m.id}/suspend`).set('Cookie', mod.cookie).send({ days: 3, reason: 'a pause' }).expect(200);
    const after = await t.http().get('/api/auth/me').set('Cookie', m.cookie);
    const until = Date.parse(after.body.suspendedUntil);
    expect(until).toBeGreaterThan(Date.now() + 2.9 * 86_400_000);
    expect(until).toBeLessThan(Date.now() + 3.1 * 86_400_000);
  });
});
