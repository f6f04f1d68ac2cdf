import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { registerMember, setRole, startApp, TestApp } from './support/app.js';
import { createStory } from './support/factories.js';
import { requireServices } from './support/services.js';
import { within } from './faults/spawn.js';
import { connect, emitAck } from './support/sockets.js';

const CLI = join(process.cwd(), 'dist/src/cli/user-role.js');

/** The compiled `npm run user:role` against the run's PostgreSQL database, as an operator would run it. */
function userRole(username: string, role: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, username, role],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', DATABASE_URL: process.env.SETBACK_TEST_DATABASE_URL ?? '' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const disconnected = (socket: Socket): Promise<string> => new Promise((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

// the embedded database cannot be opened by a command while the server runs: this is a PostgreSQL matter
const postgres = await requireServices('user:role from the command line', { postgres: true });

(postgres ? describe : describe.skip)('npm run user:role', () => {
  // two instances without Redis: the signal goes through PostgreSQL, so each is told on its own
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`node scripts/build.mjs\` before this test.`);
    [a, b] = await Promise.all([startApp(), startApp()]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('ends a demoted moderator\'s sockets on every instance; other members\' sockets stay', async () => {
    const mod = await registerMember(a);
    const bystander = await registerMember(a);
    await setRole(a, mod.id, 'moderator');
    await setRole(a, bystander.id, 'moderator');
    const story = await createStory(a, mod);
    const sockets = await Promise.all([connect(a, mod.cookie), connect(b, mod.cookie)]);
    const other = await connect(b, bystander.cookie);
    try {
      for (const s of [...sockets, other]) expect((await emitAck(s, 'thread.join', { threadId: story.id })).ok).toBe(true);
      const gone = sockets.map(disconnected);

      const res = await userRole(mod.username, 'member');
      expect(res).toMatchObject({ code: 0, stdout: `${mod.username} is now a member.\n` });
      const reasons = await within(Promise.all(gone), 5000, ['still connected']);
      expect(reasons).toEqual(['io server disconnect', 'io server disconnect']);
      // the other moderator's socket is untouched and still answers
      expect(other.connected).toBe(true);
      expect((await emitAck(other, 'thread.join', { threadId: story.id })).ok).toBe(true);
      expect((await a.db.dataSource.query('SELECT role FROM users WHERE id = $1', [mod.id]))[0].role).toBe('member');
    } finally {
      for (const s of [...sockets, other]) s.close();
    }
  }, 90_000); // each run of the command starts a process and opens the database: seconds on a busy machine

  it('leaves sockets alone when the role does not change, and refuses an unknown member or role', async () => {
    const m = await registerMember(a);
    const barrier = await registerMember(a);
    const socket = await connect(a, m.cookie);
    const barrierSocket = await connect(a, barrier.cookie);
    try {
      expect(await userRole(m.username, 'member')).toMatchObject({ code: 0, stdout: `${m.username} is now a member.\n` });
      expect(await userRole(`${m.username}_nobody`, 'member')).toMatchObject({ code: 1, stderr: expect.stringContaining('There is no member called') });
      expect(await userRole(m.username, 'king')).toMatchObject({ code: 1, stderr: expect.stringContaining('Usage:') });
      // barrier: signals arrive in commit order, so once a later real change is heard an earlier one would have been too
      const gone = disconnected(barrierSocket);
      expect((await userRole(barrier.username, 'moderator')).code).toBe(0);
      expect(await within(gone, 5000, 'still connected')).toBe('io server disconnect');
      expect(socket.connected).toBe(true);
    } finally {
      socket.close();
      barrierSocket.close();
    }
  }, 90_000);
});
