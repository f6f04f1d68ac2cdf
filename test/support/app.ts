import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../src/app.factory.js';
import { AppConfig, loadConfig } from '../../src/config/config.js';
import { OpenDatabase, openDatabase } from '../../src/database/data-source.js';

export interface TestApp {
  app: NestExpressApplication;
  url: string;
  config: AppConfig;
  db: OpenDatabase;
  http: () => ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The real app on a free port against the run's database (PostgreSQL in CI, else a private in-memory PGlite). */
export async function startApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: 'memory:',
    RATE_LIMIT_SCALE: '1000',
    // test files share one database and run side by side: safety mode follows whoever is on duty, so a test that
    // is not about it must not depend on another file's moderators (test/duty.e2e.spec.ts opts in with auto or on)
    SAFETY_MODE: 'off',
    // the test process also drives browsers and sockets, and CI runs the three-instance cluster beside it: its event
    // loop lags for reasons of the test's own making, and shedding reads then turns a slow page into an error page
    // (test/hardening.e2e.spec.ts turns shedding on to test it)
    OVERLOAD_LAG_MS: '0',
    // on the embedded database every query takes turns on one session: a page of a busy test machine may wait long
    // for it, and 15 s (the deadlock breaker's default) would turn that slow page into an error page
    EMBEDDED_BUSY_TIMEOUT_MS: '120000',
    CLIENT_DIR: process.env.SETBACK_TEST_CLIENT_DIR ?? './client/dist',
    ...(process.env.SETBACK_TEST_DATABASE_URL ? { DATABASE_URL: process.env.SETBACK_TEST_DATABASE_URL } : {}),
    ...env,
  });
  const db = await openDatabase(config, { poolSize: 8 });
  const app = await createApp(config, db);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    url,
    config,
    db,
    http: () => request(url),
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}

export const uniqueName = (prefix = 'user'): string => `${prefix}_${randomBytes(5).toString('hex')}`.slice(0, 32);

export interface Member {
  id: string;
  username: string;
  password: string;
  cookie: string;
}

export function sessionCookie(res: { headers: Record<string, unknown> }): string {
  const set = res.headers['set-cookie'] as string[] | undefined;
  const c = set?.find((s) => s.startsWith('setback_session='));
  if (!c) throw new Error('no session cookie in the response');
  return c.split(';')[0];
}

export async function registerMember(t: TestApp, overrides: Partial<{ username: string; password: string }> = {}, headers: Record<string, string> = {}): Promise<Member> {
  const username = overrides.username ?? uniqueName();
  const password = overrides.password ?? `pw-${randomBytes(6).toString('hex')}`;
  const res = await t.http().post('/api/auth/register').set(headers).send({ username, password, acceptGuidelines: true, confirmAge: true });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, username, password, cookie: sessionCookie(res) };
}

/** Sets a member's role directly, as `npm run user:role` does. */
export async function setRole(t: TestApp, userId: string, role: 'member' | 'moderator' | 'admin'): Promise<void> {
  await t.db.dataSource.query('UPDATE users SET role = $1 WHERE id = $2', [role, userId]);
}
