import { afterAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import { RemindersService } from '../src/arc/reminders.service.js';
import { Member, registerMember, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';
import { clusterEnv, requireServices } from './support/services.js';
import { before, connect, record } from './support/sockets.js';

// Follow-up reminders fire exactly once with several instances polling one PostgreSQL, and survive a restart.
const ready = await requireServices('follow-up reminders across instances', { redis: true, postgres: true });

(ready ? describe : describe.skip)('follow-up reminders across instances and restarts', () => {
  const env = clusterEnv();
  const running = new Set<TestApp>();
  const sockets: Socket[] = [];
  const start = async () => {
    const t = await startApp(env);
    running.add(t);
    return t;
  };
  const stop = async (t: TestApp) => {
    running.delete(t);
    await t.close();
  };
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const t of running) await t.close();
  }, 60_000);
  // each test starts several instances one after another: on a busy machine that takes more than the default 30 s

  /** The test's clock: the reminder is due now instead of in months (the poll compares due_at with now()). */
  const makeDue = (t: TestApp, threadId: string) => t.db.dataSource.query(`UPDATE follow_up_reminders SET due_at = now() - interval '1 minute' WHERE thread_id = $1`, [threadId]);
  const stored = async (t: TestApp, threadId: string): Promise<number> => {
    const [row]: { n: number }[] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'follow_up_reminder' AND thread_id = $1`, [threadId]);
    return row.n;
  };
  const runDue = (t: TestApp) => t.app.get(RemindersService).runDue();

  it('two instances polling the same database at once send one notification, pushed once', async () => {
    const a = await start();
    const b = await start();
    const author: Member = await registerMember(a);
    const reader: Member = await registerMember(b);
    const stories = [await createStory(a, author, { title: 'Once, from two instances' }), await createStory(b, author, { title: 'Once more, from two instances' })];
    for (const s of stories) await a.http().put(`/api/threads/${s.id}/reminder`).set('Cookie', author.cookie).send({ inMonths: 1 }).expect(200);
    const live = await connect(a, author.cookie);
    sockets.push(live);
    const log = record(live);

    for (const s of stories) await makeDue(a, s.id);
    // both instances poll side by side, several times over
    await Promise.all([runDue(a), runDue(b), runDue(b), runDue(a)]);
    await Promise.all([runDue(a), runDue(b)]);
    for (const s of stories) expect(await stored(a, s.id)).toBe(1);

    // live: one push per story, before a later notification the author must get (the barrier)
    await createReply(b, reader, stories[1].id, { body: 'A barrier reply' });
    const earlier = await before(log, (r) => r.event === 'notification' && (r.payload as { kind: string }).kind === 'reply');
    const pushed = earlier.filter((r) => r.event === 'notification' && (r.payload as { kind: string }).kind === 'follow_up_reminder').map((r) => (r.payload as { threadId: string }).threadId);
    expect(pushed.sort()).toEqual(stories.map((s) => s.id).sort());
    await stop(a);
    await stop(b);
  }, 120_000);

  it('a reminder scheduled before a restart fires after it, once, and not again after the next restart', async () => {
    const first = await start();
    const author = await registerMember(first);
    const s = await createStory(first, author, { title: 'Scheduled before a restart' });
    const set = await first.http().put(`/api/threads/${s.id}/reminder`).set('Cookie', author.cookie).send({ inMonths: 6 }).expect(200);
    expect(Date.parse(set.body.at)).toBeGreaterThan(Date.now() + 170 * 86_400_000);
    await stop(first);

    // while no instance runs, the months go by
    const probe = await start();
    await makeDue(probe, s.id);
    await stop(probe);
    const after = await start();
    // an instance polls as it starts; runDue joins that run (or makes one): waiting for the claim, not for time
    await runDue(after);
    expect(await stored(after, s.id)).toBe(1);
    await stop(after);

    const again = await start();
    await runDue(again);
    expect(await stored(again, s.id)).toBe(1);
    const list = await again.http().get('/api/notifications?limit=50').set('Cookie', author.cookie);
    expect(list.body.items.filter((n: { kind: string; threadId: string }) => n.kind === 'follow_up_reminder' && n.threadId === s.id).map((n: { text: string }) => n.text)).toEqual([
      'It has been six months since you shared “Scheduled before a restart” — would you like to add how things are now?',
    ]);
  }, 120_000);
});
