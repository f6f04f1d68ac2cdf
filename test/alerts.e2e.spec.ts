import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import type { AlertView, ReportGroupView } from '../src/contract/views.js';
import { Member, registerMember, setRole, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';
import { clusterEnv, REDIS_URL, reachable } from './support/services.js';
import { before, collect, connect, record, waitFor } from './support/sockets.js';

type Alert = AlertView;
type ReportGroup = ReportGroupView;

// Two instances sharing PostgreSQL (and Redis when there is one): an alert raised on A reaches a moderator on B.
const cluster = !!process.env.SETBACK_TEST_DATABASE_URL && (await reachable(REDIS_URL));
// under CI=true PostgreSQL and Redis are there: the alert must cross instances
if (process.env.CI === 'true' && !cluster) throw new Error('alerts: CI=true needs PostgreSQL (TEST_DATABASE_URL) and Redis (REDIS_TEST_URL) for the two-instance path');

describe('alerts and reports that help the moderator', () => {
  let a: TestApp;
  let b: TestApp;
  let mod: Member;
  let member: Member;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    const env: Record<string, string> = cluster ? clusterEnv() : {};
    a = await startApp(env);
    b = cluster ? await startApp(env) : a;
    mod = await registerMember(a);
    member = await registerMember(a);
    await setRole(a, mod.id, 'moderator');
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    if (b !== a) await b?.close();
    await a?.close();
  });

  const open = async (t: TestApp, s: Socket | Promise<Socket>): Promise<Socket> => {
    const socket = await s;
    sockets.push(socket);
    return socket;
  };
  const openAlerts = async (who: Member = mod): Promise<Alert[]> => {
    const all: Alert[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: Alert[]; nextCursor: string | null } } = await a.http().get('/api/mod/alerts').query({ status: 'open', limit: 50, ...(cursor ? { cursor } : {}) }).set('Cookie', who.cookie);
      expect(res.status).toBe(200);
      all.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return all;
  };
  const alertsFor = async (targetId: string): Promise<Alert[]> => (await openAlerts()).filter((x) => x.targetId === targetId);
  const me = async (who: Member) => (await a.http().get('/api/auth/me').set('Cookie', who.cookie)).body as { openAlerts?: number };
  const report = (who: Member, targetType: string, targetId: string, reason: string, note?: string) =>
    a.http().post('/api/reports').set('Cookie', who.cookie).send({ targetType, targetId, reason, ...(note ? { note } : {}) });

  it('raises an alert for a crisis story, pushed live to a staff socket on the other instance, counted on /auth/me and done through the route', async () => {
    const staffSocket = await open(b, connect(b, mod.cookie));
    const pushed = collect<Alert>(staffSocket, 'mod.alert');
    const before0 = (await me(mod)).openAlerts as number;
    expect(typeof before0).toBe('number');
    expect(await me(member)).not.toHaveProperty('openAlerts');

    const author = await registerMember(a);
    const story = await createStory(a, author, { title: 'Nights are long', happened: 'Some nights I want to die, and I do not know who to tell.' });
    await waitFor(() => pushed.some((x) => x.targetId === story.id), 5000, 'the mod.alert push');
    const alert = pushed.find((x) => x.targetId === story.id) as Alert;
    expect(alert).toMatchObject({
      kind: 'crisis_post', targetType: 'thread', targetId: story.id, threadId: story.id, threadTitle: 'Nights are long',
      author: { id: author.id, username: author.username }, doneAt: null, doneBy: null,
    });
    expect(alert.excerpt).toContain('want to die');
    expect((await alertsFor(story.id)).map((x) => x.id)).toEqual([alert.id]);
    expect((await me(mod)).openAlerts).toBeGreaterThanOrEqual(1);

    // a member's socket never hears alerts: the author, connected now, must hear the unlock below but not the done alert before it
    const authorSocket = await open(b, connect(b, author.cookie));
    const authorHeard = record(authorSocket);
    const done = await a.http().post(`/api/mod/alerts/${alert.id}/done`).set('Cookie', mod.cookie).send({ note: 'Wrote to them' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: alert.id, doneBy: { id: mod.id, username: mod.username }, note: 'Wrote to them' });
    expect(done.body.doneAt).not.toBeNull();
    await waitFor(() => pushed.some((x) => x.id === alert.id && x.doneAt !== null), 5000, 'the done alert push');
    expect(await alertsFor(story.id)).toEqual([]);
    const doneList = await a.http().get('/api/mod/alerts').query({ status: 'done' }).set('Cookie', mod.cookie);
    expect(doneList.body.items[0]).toMatchObject({ id: alert.id });
    // marking it done again changes nothing
    expect((await a.http().post(`/api/mod/alerts/${alert.id}/done`).set('Cookie', mod.cookie).send({})).body).toMatchObject({ id: alert.id, note: 'Wrote to them' });

    // barrier: a notification the member must get, caused after the done alert's push
    await a.http().post(`/api/mod/threads/${story.id}/lock`).set('Cookie', mod.cookie).send({ reason: 'to keep the story calm while we check in' }).expect(200);
    await a.http().post(`/api/mod/threads/${story.id}/unlock`).set('Cookie', mod.cookie).send({}).expect(200);
    const seen = await before(authorHeard, (r) => r.event === 'notification', 5000, 'the lock notification');
    expect(seen.filter((r) => r.event === 'mod.alert')).toEqual([]);
  });

  it('shows an anonymous crisis story only by its pseudonym', async () => {
    const staffSocket = await open(a, connect(a, mod.cookie));
    const pushed = collect<Alert>(staffSocket, 'mod.alert');
    const author = await registerMember(a);
    const story = await createStory(a, author, { title: 'Without my name', anonymous: true, happened: 'I keep thinking about suicide and I am scared.' });
    await waitFor(() => pushed.some((x) => x.targetId === story.id), 5000, 'the mod.alert push');
    const alerts = await alertsFor(story.id);
    expect(alerts).toHaveLength(1);
    expect(pushed.find((x) => x.targetId === story.id)?.author).toEqual(alerts[0].author);
    expect(alerts[0].author).toEqual({ pseudonym: expect.any(String) });
    expect(JSON.stringify(alerts[0])).not.toContain(author.id);
    expect(JSON.stringify(alerts[0])).not.toContain(author.username);
  });

  it('raises one alert for crisis reports of the same post, and one when reports reach the auto-hide threshold', async () => {
    const author = await registerMember(a);
    const story = await createStory(a, author, { title: 'A story someone worries about' });
    const r1 = await registerMember(a);
    const r2 = await registerMember(a);
    const r3 = await registerMember(a);
    expect((await report(r1, 'thread', story.id, 'crisis', 'They sound in danger')).status).toBe(201);
    expect((await report(r2, 'thread', story.id, 'crisis')).status).toBe(201);
    const crisis = (await alertsFor(story.id)).filter((x) => x.kind === 'crisis_report');
    expect(crisis).toHaveLength(1);
    expect(crisis[0]).toMatchObject({ targetType: 'thread', threadId: story.id, threadTitle: 'A story someone worries about' });

    // a reply reported by three members is hidden (two while safety mode is on) and raises a threshold alert
    const reply = await createReply(a, author, story.id, { body: 'Leave me alone, all of you.' });
    expect((await report(r1, 'reply', reply.id, 'harassment')).status).toBe(201);
    expect((await report(r2, 'reply', reply.id, 'harassment')).status).toBe(201);
    expect([201, 404]).toContain((await report(r3, 'reply', reply.id, 'harassment')).status); // 404 once hidden at two
    const threshold = (await alertsFor(reply.id)).filter((x) => x.kind === 'report_threshold');
    expect(threshold).toHaveLength(1);
    expect(threshold[0]).toMatchObject({ targetType: 'reply', threadId: story.id, excerpt: 'Leave me alone, all of you.' });
    // a crisis report about a member raises an alert too
    const target = await registerMember(a);
    expect((await report(r1, 'user', target.id, 'crisis', 'Said goodbye in their profile')).status).toBe(201);
    expect((await alertsFor(target.id)).map((x) => x.kind)).toEqual(['crisis_report']);
  });

  it('refuses alerts to members (403) and checks the alert id', async () => {
    expect((await a.http().get('/api/mod/alerts').set('Cookie', member.cookie)).status).toBe(403);
    expect((await a.http().post('/api/mod/alerts/00000000-0000-4000-8000-000000000000/done').set('Cookie', member.cookie).send({})).status).toBe(403);
    expect((await a.http().get('/api/mod/alerts')).status).toBe(401);
    expect((await a.http().post('/api/mod/alerts/00000000-0000-4000-8000-000000000000/done').set('Cookie', mod.cookie).send({})).status).toBe(404);
    expect((await a.http().post('/api/mod/alerts/nope/done').set('Cookie', mod.cookie).send({})).status).toBe(404);
    expect((await a.http().get('/api/mod/alerts').query({ status: 'maybe' }).set('Cookie', mod.cookie)).status).toBe(400);
    expect((await a.http().get('/api/mod/alerts').query({ cursor: 'bad.cursor' }).set('Cookie', mod.cookie)).body.code).toBe('INVALID_CURSOR');
    expect((await a.http().post('/api/mod/alerts/00000000-0000-4000-8000-000000000000/done').set('Cookie', mod.cookie).send({ note: 'x'.repeat(1001) })).status).toBe(400);
  });

  it('groups open reports per target with counts per reason, pages them by keyset, and resolves them all through any id', async () => {
    const author = await registerMember(a);
    const story = await createStory(a, author, { title: 'Grouped reports', anonymous: true });
    const reporters = [await registerMember(a), await registerMember(a)];
    await report(reporters[0], 'thread', story.id, 'spam').expect(201);
    await report(reporters[1], 'thread', story.id, 'harmful', 'Unkind to others').expect(201);
    const other = await createStory(a, author, { title: 'Another reported story' });
    await report(reporters[0], 'thread', other.id, 'spam').expect(201);

    const walk = async (limit: number): Promise<ReportGroup[]> => {
      const all: ReportGroup[] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; body: { items: ReportGroup[]; nextCursor: string | null } } = await a.http().get('/api/mod/reports').query({ status: 'open', limit, ...(cursor ? { cursor } : {}) }).set('Cookie', mod.cookie);
        expect(res.status).toBe(200);
        if (res.body.nextCursor) expect(res.body.items).toHaveLength(limit);
        all.push(...res.body.items);
        cursor = res.body.nextCursor;
      } while (cursor);
      return all;
    };
    const all = await walk(50);
    const byOne = await walk(1);
    expect(byOne.map((g) => `${g.targetType}:${g.targetId}`)).toEqual(all.map((g) => `${g.targetType}:${g.targetId}`));
    expect(new Set(all.map((g) => `${g.targetType}:${g.targetId}`)).size).toBe(all.length);
    const group = all.find((g) => g.targetId === story.id) as ReportGroup;
    expect(group).toMatchObject({ targetType: 'thread', threadId: story.id, threadTitle: 'Grouped reports', reasons: { spam: 1, harmful: 1 }, reporters: 2 });
    expect(group.author).toEqual({ pseudonym: expect.any(String) });
    expect(JSON.stringify(group)).not.toContain(author.id);
    expect(group.reportIds).toHaveLength(2);
    expect(group.excerpt).toContain('froze on the first question');
    expect(Date.parse(group.firstAt)).toBeLessThanOrEqual(Date.parse(group.lastAt));

    const resolved = await a.http().post(`/api/mod/reports/${group.reportIds[1]}/resolve`).set('Cookie', mod.cookie).send({ action: 'dismiss' });
    expect(resolved.status).toBe(200);
    const after = await walk(50);
    expect(after.some((g) => g.targetId === story.id)).toBe(false);
    expect(after.some((g) => g.targetId === other.id)).toBe(true);
    expect((await a.http().post(`/api/mod/reports/${group.reportIds[0]}/resolve`).set('Cookie', mod.cookie).send({ action: 'dismiss' })).status).toBe(409);
  });

  it('needs a reason to lock, hide and remove (400 naming the field), and tells the member the reason', async () => {
    const author = await registerMember(a);
    const story = await createStory(a, author);
    const reply = await createReply(a, author, story.id);
    const cases: [string, unknown, string][] = [
      [`/api/mod/threads/${story.id}/lock`, {}, 'reason'],
      [`/api/mod/threads/${story.id}/hide`, { reason: '  ' }, 'reason'],
      [`/api/mod/replies/${reply.id}/hide`, {}, 'reason'],
    ];
    const reporter = await registerMember(a);
    const rep = await report(reporter, 'reply', reply.id, 'harmful');
    cases.push([`/api/mod/reports/${rep.body.id}/resolve`, { action: 'hide' }, 'note'], [`/api/mod/reports/${rep.body.id}/resolve`, { action: 'remove', note: ' ' }, 'note']);
    for (const [path, body, field] of cases) {
      const res = await a.http().post(path).set('Cookie', mod.cookie).send(body as object);
      expect({ path, status: res.status, code: res.body.code, fields: (res.body.errors ?? []).map((e: { field: string }) => e.field) }).toEqual({ path, status: 400, code: 'VALIDATION_FAILED', fields: [field] });
    }
    const ok = await a.http().post(`/api/mod/reports/${rep.body.id}/resolve`).set('Cookie', mod.cookie).send({ action: 'remove', note: 'to protect you from unkind replies' });
    expect(ok.status).toBe(200);
    const notes = await a.http().get('/api/notifications').set('Cookie', author.cookie);
    expect(notes.body.items.map((n: { text: string }) => n.text)).toContainEqual(expect.stringContaining('Reason: to protect you from unkind replies'));
  });

  it('withdraws the notifications a hidden reply caused, live, and keeps the moderator’s own notice', async () => {
    const author = await registerMember(a);
    const replier = await registerMember(a);
    const mentioned = await registerMember(a);
    const story = await createStory(a, author, { title: 'A story that drew an unkind reply' });
    const authorSocket = await open(b, connect(b, author.cookie));
    const mentionedSocket = await open(b, connect(b, mentioned.cookie));
    const heard = record(authorSocket);
    const removedForMentioned = collect<{ ids: string[] }>(mentionedSocket, 'notification.removed');
    const reply = await createReply(a, replier, story.id, { body: `You had it coming, @${mentioned.username}.` });
    await waitFor(() => heard.some((r) => r.event === 'notification'), 5000, 'the reply notification');
    const notification = heard.find((r) => r.event === 'notification')?.payload as { id: string; replyId: string };
    expect(notification.replyId).toBe(reply.id);
    const mentionIds = (await a.http().get('/api/notifications').set('Cookie', mentioned.cookie)).body.items.map((n: { id: string }) => n.id);
    expect(mentionIds).toHaveLength(1);

    const hide = await a.http().post(`/api/mod/replies/${reply.id}/hide`).set('Cookie', mod.cookie).send({ reason: 'to protect you from unkind replies' });
    expect(hide.status).toBe(200);
    await waitFor(() => heard.some((r) => r.event === 'notification.removed'), 5000, 'notification.removed');
    expect(heard.find((r) => r.event === 'notification.removed')?.payload).toEqual({ ids: [notification.id] });
    await waitFor(() => removedForMentioned.length === 1, 5000, 'notification.removed for the mentioned member');
    expect(removedForMentioned).toEqual([{ ids: mentionIds }]);
    expect((await a.http().get('/api/notifications').set('Cookie', author.cookie)).body.items).toEqual([]);
    expect((await a.http().get('/api/notifications').set('Cookie', mentioned.cookie)).body.items).toEqual([]);
    const told = (await a.http().get('/api/notifications').set('Cookie', replier.cookie)).body.items.map((n: { text: string }) => n.text);
    expect(told).toEqual([expect.stringContaining('hid your reply')]);
    expect(told[0]).toContain('Reason: to protect you from unkind replies');
  });

  it('names the member and the story in the log, and filters it by username, never by an anonymous post', async () => {
    const author = await registerMember(a);
    const named = await createStory(a, author, { title: 'My named story' });
    const anon = await createStory(a, author, { title: 'My anonymous story', anonymous: true });
    const reply = await createReply(a, author, named.id, { body: 'A reply of mine that went too far.' });
    await a.http().post(`/api/mod/threads/${named.id}/lock`).set('Cookie', mod.cookie).send({ reason: 'to let things settle' }).expect(200);
    await a.http().post(`/api/mod/threads/${anon.id}/lock`).set('Cookie', mod.cookie).send({ reason: 'to let things settle' }).expect(200);
    await a.http().post(`/api/mod/replies/${reply.id}/hide`).set('Cookie', mod.cookie).send({ reason: 'to keep it kind' }).expect(200);
    await a.http().post(`/api/mod/users/${author.id}/suspend`).set('Cookie', mod.cookie).send({ days: 1, reason: 'a day to cool off' }).expect(200);

    const res = await a.http().get('/api/mod/log').query({ username: author.username.toUpperCase() }).set('Cookie', mod.cookie);
    expect(res.status).toBe(200);
    const items = res.body.items as { action: string; subject: unknown; target: { type: string; id: string; threadTitle: string | null; excerpt: string | null } }[];
    expect(items.map((i) => i.action)).toEqual(['user.suspend', 'reply.hide', 'thread.lock']);
    for (const i of items) expect(i.subject).toEqual({ id: author.id, username: author.username });
    expect(items[1].target).toMatchObject({ type: 'reply', id: reply.id, threadTitle: 'My named story', excerpt: 'A reply of mine that went too far.' });
    expect(items[2].target).toMatchObject({ type: 'thread', id: named.id, threadTitle: 'My named story' });
    expect(items[2].target.excerpt).toContain('froze');
    const anonLog = (await a.http().get('/api/mod/log').query({ target: anon.id }).set('Cookie', mod.cookie)).body.items;
    expect(anonLog[0]).toMatchObject({ action: 'thread.lock', subject: { pseudonym: expect.any(String) }, target: { threadTitle: 'My anonymous story' } });
    expect(JSON.stringify(anonLog[0].subject)).not.toContain(author.username);
    expect((await a.http().get('/api/mod/log').query({ username: 'nobody_by_this_name' }).set('Cookie', mod.cookie)).body.items).toEqual([]);
  });
});
