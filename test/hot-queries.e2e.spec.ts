import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Logger, QueryRunner } from 'typeorm';
import { preparedStatements } from '../src/database/prepared.js';
import { Member, registerMember, setRole, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';
import { connect, emitAck, waitFor } from './support/sockets.js';

/**
 * Every statement the busiest requests send, captured from a real app and explained by PostgreSQL with sequential
 * scans switched off: a Seq Scan that remains means no index can serve the query, which on a forum with 100,000
 * replies is a slow page. Tables that stay small (categories, watched words, settings) may be scanned.
 */
const BIG_TABLES = new Set(['threads', 'replies', 'users', 'sessions', 'notifications', 'blocks', 'thread_reactions', 'reply_reactions', 'thread_mutes']);

interface Captured {
  sql: string;
  params: unknown[];
  route: string;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function seqScans(node: PlanNode, found: string[] = []): string[] {
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] && BIG_TABLES.has(node['Relation Name'])) found.push(node['Relation Name']);
  for (const child of node.Plans ?? []) seqScans(child, found);
  return found;
}

describe('hot queries', () => {
  let t: TestApp;
  let author: Member;
  let reader: Member;
  let mod: Member;
  let route = '';
  const captured: Captured[] = [];

  beforeAll(async () => {
    t = await startApp();
    author = await registerMember(t);
    reader = await registerMember(t);
    mod = await registerMember(t);
    await setRole(t, mod.id, 'moderator');
    const logger: Partial<Logger> = {
      // a prepared statement reaches the logger as node-postgres' config object
      logQuery: (q: string | { text: string }, params?: unknown[], _r?: QueryRunner) => {
        const sql = typeof q === 'string' ? q : q.text;
        if (route && /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(sql)) captured.push({ sql, params: params ?? [], route });
      },
      logQueryError: () => undefined,
      logQuerySlow: () => undefined,
      logSchemaBuild: () => undefined,
      logMigration: () => undefined,
      log: () => undefined,
    };
    Object.assign(t.db.dataSource, { logger });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('read, write and live-join paths never need a sequential scan of a big table', async () => {
    const story = await createStory(t, author, { category: 'work' });
    const first = await createReply(t, reader, story.id);
    await createReply(t, author, story.id, { anonymous: true });

    const calls: [string, () => Promise<{ status: number }>][] = [
      ['GET /threads', () => t.http().get('/api/threads').set('Cookie', reader.cookie)],
      ['GET /threads?category', () => t.http().get('/api/threads?category=work').set('Cookie', reader.cookie)],
      ['GET /threads?q', () => t.http().get('/api/threads?q=interview').set('Cookie', reader.cookie)],
      ['GET /threads/:id', () => t.http().get(`/api/threads/${story.id}`).set('Cookie', reader.cookie)],
      ['GET /threads/:id (staff)', () => t.http().get(`/api/threads/${story.id}`).set('Cookie', mod.cookie)],
      ['GET /threads/:id?include=replies', () => t.http().get(`/api/threads/${story.id}?include=replies`).set('Cookie', reader.cookie)],
      ['GET /threads/:id?include=replies&limit=20 (staff)', () => t.http().get(`/api/threads/${story.id}?include=replies&limit=20`).set('Cookie', mod.cookie)],
      // the story's live thread.updated push reads its reactions in a statement of its own (the listener runs beside the next calls)
      ['PATCH /threads/:id', () => t.http().patch(`/api/threads/${story.id}`).set('Cookie', author.cookie).send({ title: 'The job I did not get, later' })],
      ['GET /threads/:id/replies', () => t.http().get(`/api/threads/${story.id}/replies?limit=20`).set('Cookie', reader.cookie)],
      ['GET /threads/:id/replies?after', () => t.http().get(`/api/threads/${story.id}/replies?after=${first.id}`).set('Cookie', reader.cookie)],
      ['POST /threads/:id/replies', () => t.http().post(`/api/threads/${story.id}/replies`).set('Cookie', reader.cookie).send({ body: `Thank you, @${author.username}.`, clientKey: 'hot-query-1' })],
      ['POST /threads/:id/replies (again)', () => t.http().post(`/api/threads/${story.id}/replies`).set('Cookie', reader.cookie).send({ body: `Thank you, @${author.username}.`, clientKey: 'hot-query-1' })],
      ['POST /threads/:id/replies (replyTo)', () => t.http().post(`/api/threads/${story.id}/replies`).set('Cookie', author.cookie).send({ body: 'Thank you.', replyTo: first.id })],
      ['PATCH /replies/:id', () => t.http().patch(`/api/replies/${first.id}`).set('Cookie', reader.cookie).send({ body: 'Thank you for writing this.' })],
      ['PUT reaction', () => t.http().put(`/api/replies/${first.id}/reactions/thanks`).set('Cookie', author.cookie)],
      ['GET /notifications', () => t.http().get('/api/notifications').set('Cookie', author.cookie)],
      ['GET /users/:username', () => t.http().get(`/api/users/${author.username}`).set('Cookie', reader.cookie)],
      ['GET /auth/me', () => t.http().get('/api/auth/me').set('Cookie', reader.cookie)],
      // finding stories (issue 15): the lessons index, similar stories, the stories waiting for a first reply
      ['PUT story reaction helped', () => t.http().put(`/api/threads/${story.id}/reactions/helped`).set('Cookie', reader.cookie)],
      ['GET /lessons', () => t.http().get('/api/lessons').set('Cookie', reader.cookie)],
      ['GET /lessons?sort=recent&category', () => t.http().get('/api/lessons?sort=recent&category=work').set('Cookie', reader.cookie)],
      ['GET /lessons?q', () => t.http().get('/api/lessons?q=practising').set('Cookie', reader.cookie)],
      ['GET /threads/similar', () => t.http().get(`/api/threads/similar?text=${encodeURIComponent('The interview I froze in\n\nI prepared for weeks and then froze.')}`).set('Cookie', reader.cookie)],
      ['GET /threads/:id/similar', () => t.http().get(`/api/threads/${story.id}/similar`).set('Cookie', reader.cookie)],
      ['GET /threads?filter=unanswered', () => t.http().get('/api/threads?filter=unanswered&limit=1').set('Cookie', reader.cookie)],
    ];
    for (const [name, call] of calls) {
      route = name;
      const res = await call();
      expect([name, res.status < 300]).toEqual([name, true]);
    }
    // the listeners of a new reply (live push, notifications) run beside the requests above
    route = 'reply.created listeners';
    await waitFor(() => captured.some((c) => /INSERT INTO notifications/.test(c.sql)), 5000, 'the reply notification');

    route = 'socket thread.join';
    const socket = await connect(t, reader.cookie);
    try {
      const since = new Date(Date.now() - 60_000).toISOString();
      expect((await emitAck(socket, 'thread.join', { threadId: story.id, after: first.id, since })).ok).toBe(true);
    } finally {
      route = '';
      socket.close();
    }

    // every prepared (hot) statement was sent by one of the calls above, so none escapes the check below
    const sent = new Set(captured.map((c) => c.sql));
    expect(preparedStatements().filter((p) => !sent.has(p.text)).map((p) => p.name)).toEqual([]);

    const runner = t.db.dataSource.createQueryRunner();
    const problems: string[] = [];
    try {
      await runner.connect();
      await runner.startTransaction();
      await runner.query('SET LOCAL enable_seqscan = off');
      const seen = new Set<string>();
      for (const c of captured) {
        if (seen.has(c.sql)) continue;
        seen.add(c.sql);
        // EXPLAIN without ANALYZE plans the statement and runs nothing, writes included
        const [row]: { 'QUERY PLAN': [{ Plan: PlanNode }] | string }[] = await runner.query(`EXPLAIN (FORMAT JSON) ${c.sql}`, c.params);
        const plan = typeof row['QUERY PLAN'] === 'string' ? JSON.parse(row['QUERY PLAN']) : row['QUERY PLAN'];
        const scans = seqScans(plan[0].Plan);
        if (scans.length) problems.push(`${c.route}: Seq Scan on ${scans.join(', ')} in ${c.sql.replace(/\s+/g, ' ').slice(0, 160)}`);
      }
      expect(seen.size).toBeGreaterThan(15);
    } finally {
      await runner.rollbackTransaction().catch(() => undefined);
      await runner.release();
    }
    expect(problems).toEqual([]);
  });
});
