import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import type { Socket } from 'socket.io-client';
import { Member, registerMember, sessionCookie, setRole, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';
import { before, collect, connect, emitAck, record, waitFor, withId } from './support/sockets.js';

type ReplyEvent = { id: string; status?: string; hidden?: boolean; deleted?: boolean };

/** Turns two-factor sign-in on for a signed-in member, as the account screen does; returns the TOTP secret. */
async function enableTwoFactor(t: TestApp, m: Member): Promise<string> {
  const setup = await t.http().post('/api/auth/2fa/setup').set('Cookie', m.cookie);
  expect(setup.status).toBe(200);
  const enabled = await t.http().post('/api/auth/2fa/enable').set('Cookie', m.cookie).send({ code: await generate({ secret: setup.body.secret }) });
  expect(enabled.status).toBe(200);
  return setup.body.secret as string;
}

describe('REQUIRE_STAFF_2FA: staff without two-factor sign-in read as members', () => {
  let t: TestApp;
  const sockets: Socket[] = [];
  const open = async (m: Member) => {
    const s = await connect(t, m.cookie);
    sockets.push(s);
    return s;
  };
  beforeAll(async () => {
    // REVIEW_FIRST_POSTS holds a new member's first reply, so there is a pending reply only staff may see
    t = await startApp({ REQUIRE_STAFF_2FA: 'true', REVIEW_FIRST_POSTS: '1' });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  it('hides hidden, held and removed content from a moderator without two-factor, over REST and socket.io, until they turn it on', async () => {
    const verified = await registerMember(t);
    await setRole(t, verified.id, 'moderator');
    await enableTwoFactor(t, verified);
    const mod = await registerMember(t);
    await setRole(t, mod.id, 'moderator');
    const member = await registerMember(t);

    // content only staff may see: a hidden story, a held reply and a hidden reply in a visible story
    const story = await createStory(t, verified);
    const hiddenStory = await createStory(t, verified, { title: 'A story a moderator hid' });
    expect((await t.http().post(`/api/mod/threads/${hiddenStory.id}/hide`).set('Cookie', verified.cookie).send({ reason: 'private details' })).status).toBe(200);
    const shown = await createReply(t, verified, story.id, { body: 'Visible to everyone' });
    const hiddenReply = await createReply(t, verified, story.id, { body: 'Hidden by a moderator' });
    expect((await t.http().post(`/api/mod/replies/${hiddenReply.id}/hide`).set('Cookie', verified.cookie).send({ reason: 'off topic' })).status).toBe(200);
    const newbie = await registerMember(t);
    const held = await createReply(t, newbie, story.id, { body: 'My first words here' });
    expect(held.status).toBe('pending');

    // the account screen still shows the real role, so the client can ask for two-factor
    const me = await t.http().get('/api/auth/me').set('Cookie', mod.cookie);
    expect(me.body).toMatchObject({ id: mod.id, role: 'moderator', twoFactor: false });
    // moderation routes still say why they refuse
    const queue = await t.http().get('/api/mod/queue').set('Cookie', mod.cookie);
    expect(queue.status).toBe(403);
    expect(queue.body.code).toBe('SECOND_FACTOR_SETUP_REQUIRED');

    // REST: a member's 404 and a member's list, placeholders included
    expect((await t.http().get(`/api/threads/${hiddenStory.id}`).set('Cookie', mod.cookie)).status).toBe(404);
    expect((await t.http().get(`/api/threads/${hiddenStory.id}/replies`).set('Cookie', mod.cookie)).status).toBe(404);
    const asMod = await t.http().get(`/api/threads/${story.id}/replies`).set('Cookie', mod.cookie);
    const asMember = await t.http().get(`/api/threads/${story.id}/replies`).set('Cookie', member.cookie);
    expect(asMod.status).toBe(200);
    expect(asMod.body).toEqual(asMember.body);
    expect(asMod.body.items).toEqual([
      expect.objectContaining({ id: shown.id, deleted: false }),
      { id: hiddenReply.id, threadId: story.id, deleted: true },
    ]);
    expect(asMod.body.items[0].hidden).toBeUndefined();
    const storyAsMod = await t.http().get(`/api/threads/${story.id}`).set('Cookie', mod.cookie);
    expect(storyAsMod.body).toEqual((await t.http().get(`/api/threads/${story.id}`).set('Cookie', member.cookie)).body);
    // the verified moderator, for contrast, sees it all
    expect((await t.http().get(`/api/threads/${hiddenStory.id}`).set('Cookie', verified.cookie)).body).toMatchObject({ id: hiddenStory.id, hidden: true });
    const asStaff = await t.http().get(`/api/threads/${story.id}/replies`).set('Cookie', verified.cookie);
    expect(asStaff.body.items).toEqual([
      expect.objectContaining({ id: shown.id, hidden: false }),
      expect.objectContaining({ id: hiddenReply.id, hidden: true, bodyHtml: '<p>Hidden by a moderator</p>' }),
      expect.objectContaining({ id: held.id, status: 'pending' }),
    ]);

    // socket.io: the same read rule at the join, member views in what was missed, and no held reply live
    const modSocket = await open(mod);
    const staffSocket = await open(verified);
    const modCreated = collect<ReplyEvent>(modSocket, 'reply.created');
    const staffCreated = collect<ReplyEvent>(staffSocket, 'reply.created');
    expect((await emitAck(modSocket, 'thread.join', { threadId: hiddenStory.id })).error?.code).toBe('NOT_FOUND');
    const modJoin = await emitAck(modSocket, 'thread.join', { threadId: story.id, after: '0' });
    expect(modJoin.ok).toBe(true);
    expect(modJoin.missed).toEqual(asMember.body.items);
    const staffJoin = await emitAck(staffSocket, 'thread.join', { threadId: story.id, after: '0' });
    expect((staffJoin.missed as ReplyEvent[]).map((r) => r.id)).toEqual([shown.id, hiddenReply.id, held.id]);

    const modLog = record(modSocket);
    const newbie2 = await registerMember(t);
    const held2 = await createReply(t, newbie2, story.id, { body: 'Also my first words' });
    expect(held2.status).toBe('pending');
    await waitFor(() => staffCreated.some((r) => r.id === held2.id), 3000, 'the held reply at the verified moderator');
    expect(staffCreated.find((r) => r.id === held2.id)).toMatchObject({ status: 'pending', hidden: false });
    // barrier: the verified moderator typing after the held reply reaches the member-rights socket; the held reply must not come before it
    expect(await emitAck(staffSocket, 'typing', { threadId: story.id })).toEqual({ ok: true });
    const earlier = await before(modLog, (e) => e.event === 'typing' && (e.payload as { count: number }).count > 0);
    expect(earlier.filter(withId('reply.created', held2.id))).toEqual([]);
    expect(modCreated.find((r) => r.id === held2.id)).toBeUndefined();

    // with two-factor on (this session confirmed the code), the same moderator reads as staff again
    const secret = await enableTwoFactor(t, mod);
    expect((await t.http().get('/api/mod/queue').set('Cookie', mod.cookie)).status).toBe(200);
    expect((await t.http().get(`/api/threads/${hiddenStory.id}`).set('Cookie', mod.cookie)).body).toMatchObject({ id: hiddenStory.id, hidden: true });
    const nowStaff = await t.http().get(`/api/threads/${story.id}/replies`).set('Cookie', mod.cookie);
    expect(nowStaff.body.items.map((r: ReplyEvent) => r.id)).toEqual([shown.id, hiddenReply.id, held.id, held2.id]);
    expect(nowStaff.body.items[1]).toMatchObject({ hidden: true });

    // re-joining moves the socket from the members' room to the staff room (and out of the members' one)
    const rejoin = await emitAck(modSocket, 'thread.join', { threadId: story.id, after: shown.id });
    expect((rejoin.missed as ReplyEvent[]).map((r) => r.id)).toEqual([hiddenReply.id, held.id, held2.id]);
    const newbie3 = await registerMember(t);
    const held3 = await createReply(t, newbie3, story.id, { body: 'A third first reply' });
    const published = await createReply(t, verified, story.id, { body: 'Welcome, all of you' });
    await waitFor(() => modCreated.some((r) => r.id === held3.id) && modCreated.some((r) => r.id === published.id), 3000, 'staff views at the re-joined socket');
    expect(modCreated.find((r) => r.id === held3.id)).toMatchObject({ status: 'pending', hidden: false });
    // barrier: a later reply arrives once; a second copy of the first (from the members' room) would have come before it
    const barrier = await createReply(t, verified, story.id, { body: 'One more welcome' });
    expect((await before(modLog, withId('reply.created', barrier.id))).filter(withId('reply.created', published.id))).toHaveLength(1);
    expect(modCreated.filter((r) => r.id === published.id)).toHaveLength(1);

    // and a new sign-in, which now takes a code, is staff too
    const login = await t.http().post('/api/auth/login').send({ username: mod.username, password: mod.password, code: await generate({ secret }) });
    expect(login.status).toBe(200);
    expect((await t.http().get(`/api/threads/${hiddenStory.id}`).set('Cookie', sessionCookie(login))).status).toBe(200);
  });

  it('treats an admin without two-factor the same way, and leaves members alone', async () => {
    const admin = await registerMember(t);
    await setRole(t, admin.id, 'admin');
    const author = await registerMember(t);
    await setRole(t, author.id, 'moderator');
    await enableTwoFactor(t, author);
    const hidden = await createStory(t, author);
    expect((await t.http().post(`/api/mod/threads/${hidden.id}/hide`).set('Cookie', author.cookie).send({ reason: 'checking staff rights' })).status).toBe(200);
    expect((await t.http().get(`/api/threads/${hidden.id}`).set('Cookie', admin.cookie)).status).toBe(404);
    const users = await t.http().patch(`/api/mod/users/${author.id}`).set('Cookie', admin.cookie).send({ role: 'member' });
    expect(users.status).toBe(403);
    expect(users.body.code).toBe('SECOND_FACTOR_SETUP_REQUIRED');
    expect((await t.http().get('/api/auth/me').set('Cookie', admin.cookie)).body.role).toBe('admin');
    // a member asking for a moderation route is refused as a member, not asked for two-factor
    const member = await registerMember(t);
    const refused = await t.http().get('/api/mod/queue').set('Cookie', member.cookie);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('FORBIDDEN');
  });
});
