import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { SafetyStatusBroadcaster } from '../src/realtime/safety-status.broadcaster.js';
import { DutyService } from '../src/safety/duty.service.js';
import { Member, registerMember, setRole, startApp, TestApp } from './support/app.js';
import { createStory, storyBody } from './support/factories.js';
import { REDIS_URL, requireServices } from './support/services.js';
import { connect, record, waitFor, type Received } from './support/sockets.js';

interface Status {
  safetyMode: boolean;
  moderatorsOnDuty: number;
  resources: { name: string }[];
}
interface QueueItem {
  id: string;
  type: 'thread' | 'reply';
  crisis: boolean;
  openReports: number;
  createdAt: string;
}

const CRISIS_STORY = { title: 'The winter after the bankruptcy', happened: 'Since the business failed I have been thinking about suicide every night.' };

// Two instances sharing PostgreSQL and Redis (as behind a load balancer), in SAFETY_MODE=auto: safety mode is on while
// no moderator is on duty. Test files share the database; only this file puts moderators on duty in auto mode.
const ready = await requireServices('moderator duty and safety mode', { redis: true, postgres: true });

(ready ? describe : describe.skip)('moderator duty and safety mode', () => {
  let a: TestApp;
  let b: TestApp;
  let mod: Member;
  let veteran: Member;
  const sockets: Socket[] = [];

  const status = async (t: TestApp = a): Promise<Status> => (await t.http().get('/api/safety/status')).body as Status;
  const duty = (t: TestApp, m: Member, body: unknown) => t.http().post('/api/mod/duty').set('Cookie', m.cookie).send(body as object);
  /** A member whose account is older than SAFETY_HOLD_NEW_DAYS. */
  const oldMember = async (): Promise<Member> => {
    const m = await registerMember(a);
    await a.db.dataSource.query(`UPDATE users SET created_at = now() - interval '30 days' WHERE id = $1`, [m.id]);
    return m;
  };

  beforeAll(async () => {
    const env = {
      REDIS_URL,
      REDIS_PREFIX: `setback-test-${randomBytes(4).toString('hex')}:`,
      APP_SECRET: randomBytes(32).toString('hex'),
      SAFETY_MODE: 'auto',
      SAFETY_HOLD_NEW_DAYS: '7',
    };
    [a, b] = await Promise.all([startApp(env), startApp(env)]);
    mod = await registerMember(a);
    await setRole(a, mod.id, 'moderator');
    veteran = await oldMember();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await a?.close();
    await b?.close();
  });
  beforeEach(async () => {
    // every test starts with nobody on duty
    await a.db.dataSource.query(`UPDATE moderator_shifts SET until = now() WHERE until > now()`);
  });

  it('lets only staff go on duty, and refuses bad bodies with field errors', async () => {
    const member = await registerMember(a);
    expect((await a.http().post('/api/mod/duty').send({ onDuty: true })).status).toBe(401);
    const refused = await duty(a, member, { onDuty: true });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('FORBIDDEN');
    for (const body of [{}, { onDuty: 'yes' }, { onDuty: 1 }, { onDuty: true, until: '2030-01-01' }]) {
      const res = await duty(a, mod, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.length).toBeGreaterThan(0);
      expect(res.body.errors[0].field).toMatch(/onDuty|until/);
    }
    expect((await status()).moderatorsOnDuty).toBe(0);
  });

  it('tells visitors whether safety mode is on, and every socket on every instance when duty changes', async () => {
    const visitor = await a.http().get('/api/safety/status');
    expect(visitor.status).toBe(200);
    expect(visitor.body).toMatchObject({ safetyMode: true, moderatorsOnDuty: 0 });
    expect(visitor.body.resources.length).toBeGreaterThan(0);

    const reader = await registerMember(a);
    const onB = await connect(b, reader.cookie);
    const onA = await connect(a, reader.cookie);
    sockets.push(onB, onA);
    const logB = record(onB);
    const logA = record(onA);
    const statuses = (log: Received[]) => log.filter((r) => r.event === 'safety.status').map((r) => r.payload as Status);
    const seen = (log: Received[], s: Partial<Status>) => () => statuses(log).some((p) => p.safetyMode === s.safetyMode && p.moderatorsOnDuty === s.moderatorsOnDuty);

    const on = await duty(a, mod, { onDuty: true });
    expect(on.status).toBe(200);
    expect(on.body.onDuty).toBe(true);
    const hours = (Date.parse(on.body.until) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(3.9);
    expect(hours).toBeLessThanOrEqual(4);
    expect(await status(b)).toMatchObject({ safetyMode: false, moderatorsOnDuty: 1 });
    await waitFor(seen(logB, { safetyMode: false, moderatorsOnDuty: 1 }), 5000, 'safety.status on the other instance');
    await waitFor(seen(logA, { safetyMode: false, moderatorsOnDuty: 1 }), 5000, 'safety.status on the same instance');
    expect((await a.http().get('/api/mod/duty').set('Cookie', mod.cookie)).body).toEqual({ onDuty: true, until: on.body.until });

    const off = await duty(b, mod, { onDuty: false });
    expect(off.body).toEqual({ onDuty: false, until: null });
    expect(await status(a)).toMatchObject({ safetyMode: true, moderatorsOnDuty: 0 });
    const back = (log: Received[]) => () => statuses(log).filter((p) => p.safetyMode).length > 0 && statuses(log).at(-1)?.safetyMode === true;
    await waitFor(back(logA), 5000, 'safety mode back on, on A');
    await waitFor(back(logB), 5000, 'safety mode back on, on B');
    // each change reached each socket once: no instance repeats what another told it
    for (const log of [logA, logB]) {
      const changes = statuses(log).filter((p, i, all) => i === 0 || p.safetyMode !== all[i - 1].safetyMode);
      expect(statuses(log).length).toBe(changes.length);
    }
  });

  it('ends a shift by itself, and each instance tells its sockets when it looks again', async () => {
    const reader = await registerMember(a);
    const onB = await connect(b, reader.cookie);
    sockets.push(onB);
    const log = record(onB);
    await duty(a, mod, { onDuty: true });
    await waitFor(() => log.some((r) => r.event === 'safety.status' && (r.payload as Status).safetyMode === false), 5000, 'on duty');
    // the shift's end comes: nothing ends it but time
    await a.db.dataSource.query(`UPDATE moderator_shifts SET until = now() WHERE user_id = $1`, [mod.id]);
    expect(await status(a)).toMatchObject({ safetyMode: true, moderatorsOnDuty: 0 });
    // what the 30-second check does
    await Promise.all([a.app.get(SafetyStatusBroadcaster).recheck(), b.app.get(SafetyStatusBroadcaster).recheck()]);
    await waitFor(() => (log.filter((r) => r.event === 'safety.status').at(-1)?.payload as Status | undefined)?.safetyMode === true, 5000, 'safety mode after the shift ended');
  });

  it('reminds a moderator once, shortly before the shift ends', async () => {
    await duty(a, mod, { onDuty: true });
    await a.db.dataSource.query(`UPDATE moderator_shifts SET until = now() + interval '5 minutes' WHERE user_id = $1`, [mod.id]);
    const [first, second] = await Promise.all([a.app.get(DutyService).remindEndingShifts(), b.app.get(DutyService).remindEndingShifts()]);
    expect(first + second).toBeGreaterThanOrEqual(1);
    expect(await a.app.get(DutyService).remindEndingShifts()).toBe(0);
    const notes = (await a.http().get('/api/notifications').set('Cookie', mod.cookie)).body.items as { text: string }[];
    expect(notes.filter((n) => /shift ends in about/.test(n.text))).toHaveLength(1);
  });

  it('holds a crisis story while nobody is on duty: warned, its author supported, seen only by its author and staff, first in the queue', async () => {
    const author = await registerMember(a);
    const reader = await oldMember();
    // an older post waiting with more reports, which a crisis post still comes before
    const older = await createStory(a, await registerMember(a), { title: 'A new member, held' });
    expect(older.status).toBe('pending');
    expect((await a.http().post('/api/reports').set('Cookie', mod.cookie).send({ targetType: 'thread', targetId: older.id, reason: 'spam' })).status).toBe(201);

    const res = await a.http().post('/api/threads').set('Cookie', author.cookie).send(storyBody(CRISIS_STORY));
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('pending');
    expect(res.body.contentWarning).toBe('suicide');
    expect(res.body.crisis).toBe(true);
    expect(res.body.safety.crisis).toBe(true);
    expect(res.body.safety.resources.length).toBeGreaterThan(0);
    const id = res.body.id as string;

    // its author and staff see it, with `crisis`; other members do not see it at all
    expect((await a.http().get(`/api/threads/${id}`).set('Cookie', author.cookie)).body).toMatchObject({ status: 'pending', crisis: true, contentWarning: 'suicide' });
    expect((await a.http().get(`/api/threads/${id}`).set('Cookie', mod.cookie)).body).toMatchObject({ crisis: true });
    expect((await a.http().get(`/api/threads/${id}`).set('Cookie', reader.cookie)).status).toBe(404);
    const list = await a.http().get('/api/threads').query({ limit: 50 }).set('Cookie', reader.cookie);
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(id);

    // in safety mode the queue is ordered by risk: crisis first, then open reports, then age
    const queue: QueueItem[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: QueueItem[]; nextCursor: string | null } } = await a.http().get('/api/mod/queue').query({ limit: 2, ...(cursor ? { cursor } : {}) }).set('Cookie', mod.cookie);
      queue.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(queue.map((i) => i.id)).size).toBe(queue.length);
    expect(queue.map((i) => i.id)).toEqual(expect.arrayContaining([id, older.id]));
    const rank = (i: QueueItem) => [i.crisis ? 0 : 1, -i.openReports, Date.parse(i.createdAt)];
    for (let i = 1; i < queue.length; i++) {
      const [x, y] = [rank(queue[i - 1]), rank(queue[i])];
      const cmp = x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
      expect(cmp).toBeLessThanOrEqual(0);
    }
    expect(queue.findIndex((i) => i.id === id)).toBeLessThan(queue.findIndex((i) => i.id === older.id));
    expect(queue.find((i) => i.id === id)?.crisis).toBe(true);

    // approved by a moderator, it is published with its warning, and members never learn it was marked
    expect((await a.http().post(`/api/mod/queue/${id}/approve`).set('Cookie', mod.cookie).send({})).status).toBe(200);
    const seen = await a.http().get(`/api/threads/${id}`).set('Cookie', reader.cookie);
    expect(seen.status).toBe(200);
    expect(seen.body.contentWarning).toBe('suicide');
    expect(seen.body).not.toHaveProperty('crisis');
  });

  it('publishes a crisis story with a warning while a moderator is on duty, and lets its author change the warning', async () => {
    await duty(a, mod, { onDuty: true });
    const author = await registerMember(a);
    const reader = await oldMember();
    const res = await a.http().post('/api/threads').set('Cookie', author.cookie).send(storyBody({ ...CRISIS_STORY, happened: 'Some nights I want to die.' }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'published', contentWarning: 'suicide', crisis: true });
    expect(res.body.safety.resources.length).toBeGreaterThan(0);
    const seen = await a.http().get(`/api/threads/${res.body.id}`).set('Cookie', reader.cookie);
    expect(seen.body.contentWarning).toBe('suicide');
    expect(seen.body).not.toHaveProperty('crisis');
    const edited = await a.http().patch(`/api/threads/${res.body.id}`).set('Cookie', author.cookie).send({ contentWarning: 'dark thoughts' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ contentWarning: 'dark thoughts', status: 'published' });
    // changed, yes; left empty, no: a crisis story keeps a warning
    const emptied = await a.http().patch(`/api/threads/${res.body.id}`).set('Cookie', author.cookie).send({ contentWarning: '' });
    expect(emptied.status).toBe(200);
    expect(emptied.body.contentWarning).toBe('suicide');
    // a warning the author chose stays; a self-harm phrase is labelled as such
    const own = await a.http().post('/api/threads').set('Cookie', author.cookie).send(storyBody({ happened: 'I started to hurt myself again.', contentWarning: 'a hard winter' }));
    expect(own.body.contentWarning).toBe('a hard winter');
    const harm = await a.http().post('/api/threads').set('Cookie', author.cookie).send(storyBody({ happened: 'I started to hurt myself again.' }));
    expect(harm.body.contentWarning).toBe('self-harm');
  });

  it('holds a crisis reply in safety mode and gives its author the resources', async () => {
    const author = await oldMember();
    const replier = await oldMember();
    const reader = await oldMember();
    const story = await createStory(a, author);
    expect(story.status).toBe('published');
    const res = await a.http().post(`/api/threads/${story.id}/replies`).set('Cookie', replier.cookie).send({ body: 'Honestly, some days I want to die.', clientKey: randomUUID() });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'pending', crisis: true });
    expect(res.body.safety.resources.length).toBeGreaterThan(0);
    const forReader = await a.http().get(`/api/threads/${story.id}/replies`).set('Cookie', reader.cookie);
    expect(forReader.body.items.map((r: { id: string }) => r.id)).not.toContain(res.body.id);
    const forAuthor = await a.http().get(`/api/threads/${story.id}/replies`).set('Cookie', replier.cookie);
    expect(forAuthor.body.items.find((r: { id: string }) => r.id === res.body.id)).toMatchObject({ status: 'pending', crisis: true });
    // on duty, the same words publish (still with the resources)
    await duty(a, mod, { onDuty: true });
    const later = await a.http().post(`/api/threads/${story.id}/replies`).set('Cookie', replier.cookie).send({ body: 'I still want to die some days.', clientKey: randomUUID() });
    expect(later.body).toMatchObject({ status: 'published', crisis: true });
    expect(later.body.safety.crisis).toBe(true);
    const published = await a.http().get(`/api/threads/${story.id}/replies`).set('Cookie', reader.cookie);
    expect(published.body.items.find((r: { id: string }) => r.id === later.body.id)).not.toHaveProperty('crisis');
  });

  it('hides what two members reported while nobody is on duty (three when someone is)', async () => {
    const author = await oldMember();
    const [r1, r2, r3] = await Promise.all([registerMember(a), registerMember(a), registerMember(a)]);
    const report = (m: Member, id: string) => a.http().post('/api/reports').set('Cookie', m.cookie).send({ targetType: 'thread', targetId: id, reason: 'harmful' });
    const hidden = async (id: string) => (await a.http().get(`/api/threads/${id}`).set('Cookie', mod.cookie)).body.hidden as boolean;

    const s = await createStory(a, author);
    expect((await report(r1, s.id)).status).toBe(201);
    expect(await hidden(s.id)).toBe(false);
    expect((await report(r2, s.id)).status).toBe(201);
    expect(await hidden(s.id)).toBe(true);

    await duty(a, mod, { onDuty: true });
    const t = await createStory(a, author);
    await report(r1, t.id);
    await report(r2, t.id);
    expect(await hidden(t.id)).toBe(false);
    await report(r3, t.id);
    expect(await hidden(t.id)).toBe(true);
  });

  it("holds a new member's story while nobody is on duty (SAFETY_HOLD_NEW_DAYS), not an older member's, and not while someone is on duty", async () => {
    const newcomer = await registerMember(a);
    const held = await createStory(a, newcomer);
    expect(held.status).toBe('pending');
    expect(held).not.toHaveProperty('safety');
    expect((await createStory(a, veteran)).status).toBe('published');
    await duty(a, mod, { onDuty: true });
    expect((await createStory(a, newcomer)).status).toBe('published');
  });
});
