import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { databaseEnv, postJson, requireBuild, signUp, spawnApp, Spawned, waitForHealth } from './spawn.js';

/**
 * Nothing is lost after commit: the process dies right after a reply's transaction commits and before anything it
 * caused is delivered (SETBACK_FAULT=kill-after-commit makes the outbox SIGKILL its own process at that moment).
 * After a restart, the story's author has their notification and the moderators the automatic crisis report,
 * both written from the outbox row that committed with the reply.
 */
describe('a crash between commit and delivery', () => {
  const db = databaseEnv();
  let app: Spawned | null = null;

  beforeAll(() => requireBuild());
  afterAll(() => {
    if (app && app.child.exitCode === null) app.child.kill('SIGKILL');
    db.cleanup();
  });

  const getJson = async (url: string, path: string, cookie: string) => {
    const res = await fetch(`${url}${path}`, { headers: { Cookie: cookie } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('loses neither the notification nor the automatic report of a reply', async () => {
    app = await spawnApp({ ...db.env, SETBACK_FAULT: 'kill-after-commit' });
    await waitForHealth(app);
    const author = await signUp(app.url);
    const replier = await signUp(app.url);
    const mod = await signUp(app.url);
    const story = await postJson(app.url, '/api/threads', author.cookie, { title: 'The night the shop closed', category: 'work', happened: 'I lost the shop I had run for ten years.' });
    expect(story.status).toBe(201);

    // a reply with a crisis phrase: its outbox holds a notification for the author and an automatic report
    let answered: string;
    try {
      const res = await postJson(app.url, `/api/threads/${story.body.id}/replies`, replier.cookie, { body: 'Some nights I want to die too. You are not alone.', clientKey: randomUUID() });
      answered = `answered ${res.status}`;
    } catch (e) {
      answered = `no answer (${(e as Error).message})`;
    }
    // the fault happened where it should: the process was killed once the reply had committed and its live push
    // had gone out, before its outbox row was handled (the client may or may not have had its answer by then)
    expect(answered).toMatch(/^(answered 201|no answer)/);
    expect((await app.exited).signal).toBe('SIGKILL');

    // the moderator is made while no server holds the database (the embedded one allows one process at a time)
    const role = spawnSync(process.execPath, [join(process.cwd(), 'dist/src/cli/user-role.js'), mod.username, 'moderator'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...db.env },
      encoding: 'utf8',
    });
    expect({ status: role.status, stderr: role.stderr }).toEqual({ status: 0, stderr: "" });

    app = await spawnApp(db.env);
    await waitForHealth(app);
    // the reply committed before the crash
    const replies = await getJson(app.url, `/api/threads/${story.body.id}/replies`, author.cookie);
    expect((replies.body.items as { bodyHtml: string }[]).map((r) => r.bodyHtml)).toEqual([expect.stringContaining('You are not alone')]);
    // the restarted instance's outbox sweep delivers what the reply caused (it waits for rows a few seconds old)
    const deadline = Date.now() + 45_000;
    let notifications: { kind: string; threadId: string }[] = [];
    let reports: { reason?: string; reasons?: Record<string, number>; targetType: string; threadId: string }[] = [];
    while (Date.now() < deadline) {
      notifications = (await getJson(app.url, '/api/notifications', author.cookie)).body.items as typeof notifications;
      // other test files share the database in CI: only this story's reports count
      reports = ((await getJson(app.url, '/api/mod/reports?status=open&limit=50', mod.cookie)).body.items as typeof reports).filter((r) => r.threadId === story.body.id);
      if (notifications.length && reports.length) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(notifications).toEqual([expect.objectContaining({ kind: 'reply', threadId: story.body.id })]);
    expect(reports.filter((r) => r.targetType === 'reply')).toHaveLength(1);
    expect(JSON.stringify(reports)).toContain('crisis');
  }, 120_000);
});
