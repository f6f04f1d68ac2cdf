// Shared by the security suites: sessions made directly in the database, snapshots of what a set of members
// owns (to prove an attack changed nothing), the error-shape check, and the count of attack cases per group.
import { expect } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import type { Test } from 'supertest';
import type { TestApp } from '../support/app.js';
import { usernameSkeleton } from '../../src/users/username-skeleton.js';

/** Settings every security suite starts the app with: load shedding off, so a busy 2-core box never answers 503. */
export const SECURITY_ENV = { OVERLOAD_LAG_MS: '0' };

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One request with an optional cookie and JSON body (GET and DELETE send no body unless one is given). */
export function send(t: TestApp, method: Method, path: string, cookie?: string | null, body?: unknown): Test {
  const req = t.http()[method](path);
  if (cookie) req.set('Cookie', cookie);
  if (body !== undefined) req.send(body as object);
  return req;
}

/** A new session for a member, written as the server writes one (only the token's hash is stored). */
export async function freshCookie(t: TestApp, userId: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await t.db.dataSource.query(`INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, $2, now() + interval '1 day')`, [
    userId,
    createHash('sha256').update(token).digest('hex'),
  ]);
  return `setback_session=${token}`;
}

/** A member row made directly (for targets of moderator actions: nobody signs in as them). */
export async function insertUser(t: TestApp, prefix = 'tgt'): Promise<{ id: string; username: string }> {
  const username = `${prefix}_${randomBytes(6).toString('hex')}`;
  const rows: { id: string }[] = await t.db.dataSource.query(
    `INSERT INTO users (username, username_key, username_skeleton, password_hash) VALUES ($1, lower($1), $2, 'not-a-real-hash') RETURNING id`,
    [username, usernameSkeleton(username)],
  );
  return { id: rows[0].id, username };
}

/**
 * Everything a set of members wrote, owns or is targeted by, as one JSON text: before and after an attack
 * it must be identical. Scoped to these members (never whole tables), so suites sharing one PostgreSQL
 * database cannot disturb each other. Sessions are left out: signing in legitimately adds them.
 */
export async function snapshot(t: TestApp, userIds: string[], extra: { usernamePrefix?: string } = {}): Promise<string> {
  const rows: { s: unknown }[] = await t.db.dataSource.query(
    `WITH my_threads AS (SELECT id FROM threads WHERE author_id = ANY($1::uuid[]))
     SELECT json_build_object(
       'users', (SELECT coalesce(json_agg(to_jsonb(u) ORDER BY u.id), '[]') FROM users u WHERE u.id = ANY($1::uuid[])),
       'newUsers', (SELECT count(*) FROM users WHERE $2::text IS NOT NULL AND username LIKE $2 || '%'),
       'threads', (SELECT coalesce(json_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM threads x WHERE x.id IN (SELECT id FROM my_threads)),
       'replies', (SELECT coalesce(json_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM replies x
                    WHERE x.author_id = ANY($1::uuid[]) OR x.thread_id IN (SELECT id FROM my_threads)),
       'threadReactions', (SELECT coalesce(json_agg(to_jsonb(x) ORDER BY x.thread_id, x.user_id, x.kind), '[]') FROM thread_reactions x
                    WHERE x.user_id = ANY($1::uuid[]) OR x.thread_id IN (SELECT id FROM my_threads)),
       'replyReactions', (SELECT coalesce(json_agg(to_jsonb(x) ORDER BY x.reply_id, x.user_id, x.kind), '[]') FROM reply_reactions x WHERE x.user_id = ANY($1::uuid[])),
       'reports', (SELECT coalesce(json_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM reports x
                    WHERE x.reporter_id = ANY($1::uuid[]) OR x.thread_id IN (SELECT id FROM my_threads) OR x.target_id = ANY($1::text[])),
       'log', (SELECT coalesce(json_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM moderation_log x
                    WHERE x.actor_id = ANY($1::uuid[]) OR x.target_id = ANY($1::text[]) OR x.target_id IN (SELECT id::text FROM my_threads)),
       'notifications', (SELECT coalesce(json_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM notifications x WHERE x.user_id = ANY($1::uuid[])),
       'drafts', (SELECT coalesce(json_agg(to_jsonb(x) ORDER BY x.user_id, x.key), '[]') FROM drafts x WHERE x.user_id = ANY($1::uuid[])),
       'blocks', (SELECT coalesce(json_agg(to_jsonb(x) ORDER BY x.blocker_id, x.blocked_id), '[]') FROM blocks x
                    WHERE x.blocker_id = ANY($1::uuid[]) OR x.blocked_id = ANY($1::uuid[])),
       'words', (SELECT coalesce(json_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM watched_words x WHERE x.created_by = ANY($1::uuid[])),
       'revisions', (SELECT coalesce(json_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM revisions x WHERE x.editor_id = ANY($1::uuid[])),
       'mutes', (SELECT coalesce(json_agg(to_jsonb(x) ORDER BY x.user_id, x.thread_id), '[]') FROM thread_mutes x WHERE x.user_id = ANY($1::uuid[])),
       'recoveryCodes', (SELECT coalesce(json_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM recovery_codes x WHERE x.user_id = ANY($1::uuid[]))
     ) AS s`,
    [userIds, extra.usernamePrefix ?? null],
  );
  return JSON.stringify(rows[0].s);
}

export interface ResLike {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  text?: string;
}

/** A 4xx in the one error shape of DESIGN.md, as JSON. Returns a description of what is wrong, or null. */
export function errorShapeProblem(res: ResLike): string | null {
  if (res.status < 400 || res.status >= 500) return `status ${res.status}`;
  if (!/application\/json/.test(res.headers['content-type'] ?? '')) return `content-type ${res.headers['content-type']}`;
  const b = res.body as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (!b || b.statusCode !== res.status || typeof b.code !== 'string' || typeof b.message !== 'string') return `body ${JSON.stringify(res.body).slice(0, 200)}`;
  return null;
}

export function expectJsonError(res: ResLike, status?: number, code?: string): void {
  expect(errorShapeProblem(res)).toBeNull();
  if (status !== undefined) expect(res.status).toBe(status);
  if (code !== undefined) expect((res.body as { code: string }).code).toBe(code);
}

/**
 * Counts what a security suite tried, by group, without multiplying: distinct hostile inputs (a payload, a
 * forged request, a case) and the requests (HTTP calls, socket emits and connections) that carried them. A payload
 * sent in five fields of one request is one input and one request; the same payload in ten routes is one input
 * and ten requests; reading stored payloads back is requests, not new inputs. Each suite prints its counts when
 * it ends (Jest gives every test file its own module registry, so each file keeps and prints its own tally).
 */
export class AttackTally {
  private readonly groups = new Map<string, { requests: number; inputs: Set<string> }>();
  private unnamed = 0;

  constructor(readonly suite: string) {}

  private group(name: string): { requests: number; inputs: Set<string> } {
    let g = this.groups.get(name);
    if (!g) this.groups.set(name, (g = { requests: 0, inputs: new Set() }));
    return g;
  }

  /**
   * `requests` hostile requests sent, carrying `inputs` (each counted once per suite, however often it is sent).
   * Without inputs, each request is an input of its own (a forged request that is not repeated).
   */
  add(group: string, requests = 1, ...inputs: unknown[]): void {
    const g = this.group(group);
    g.requests += requests;
    if (!inputs.length) for (let i = 0; i < requests; i++) g.inputs.add(`request #${this.unnamed++}`);
    for (const input of inputs) g.inputs.add(typeof input === 'string' ? input : JSON.stringify(input));
  }

  /** Requests that read stored hostile input back: they count as requests, not as new inputs. */
  read(group: string, requests = 1): void {
    this.group(group).requests += requests;
  }

  /** Distinct hostile inputs across every group (a payload tried in two groups counts once). */
  get inputs(): number {
    return new Set([...this.groups.values()].flatMap((g) => [...g.inputs])).size;
  }

  get requests(): number {
    return [...this.groups.values()].reduce((a, g) => a + g.requests, 0);
  }

  print(): void {
    const width = Math.max(...[...this.groups.keys()].map((k) => k.length), 5);
    const row = (name: string, inputs: number | string, requests: number | string) => `  ${name.padEnd(width)}  ${String(inputs).padStart(6)}  ${String(requests).padStart(8)}`;
    const lines = [...this.groups.entries()].map(([name, g]) => row(name, g.inputs.size || '-', g.requests));
    console.log(
      `[security] ${this.suite}: ${this.inputs} distinct hostile inputs in ${this.requests} requests ` +
        `(an input counts once however many fields, routes or requests carried it; each HTTP call, socket emit or connection is one request)\n` +
        `${row('group', 'inputs', 'requests')}\n${lines.join('\n')}\n${row('total', this.inputs, this.requests)}`,
    );
  }
}

/** Whether a polluted Object.prototype would show: the app runs in this very process. */
export function prototypeIsClean(): boolean {
  const probe: Record<string, unknown> = {};
  return ['role', 'isAdmin', 'admin', 'polluted', 'anonymous', 'status', 'hidden', 'x'].every((k) => probe[k] === undefined) && Object.keys(Object.prototype).length === 0;
}

/** Runs fn over items with at most `limit` at a time; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A snapshot once background work (notifications made after a commit, say) has stopped changing it. */
export async function settledSnapshot(t: TestApp, userIds: string[], extra: { usernamePrefix?: string } = {}): Promise<string> {
  let last = await snapshot(t, userIds, extra);
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 120));
    const now = await snapshot(t, userIds, extra);
    if (now === last) return now;
    last = now;
  }
  throw new Error('the data kept changing for 6 s: something in the background never settles');
}
