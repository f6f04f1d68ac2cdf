import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { Member, registerMember, setRole, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';
import { before, collect, connect, emitAck, record, sleep, waitFor, withId } from './support/sockets.js';

interface QueueItem {
  id: string;
  type: 'thread' | 'reply';
  threadId: string;
  createdAt: string;
}

describe('moderation', () => {
  let t: TestApp;
  let member: Member;
  let mod: Member;
  let admin: Member;
  beforeAll(async () => {
    t = await startApp();
    member = await registerMember(t);
    mod = await registerMember(t);
    admin = await registerMember(t);
    await setRole(t, mod.id, 'moderator');
    await setRole(t, admin.id, 'admin');
  });
  afterAll(async () => {
    await t.close();
  });

  const log = async (target: string): Promise<{ action: string; reason: string | null; actor: { id: string } | null }[]> =>
    (await t.http().get('/api/mod/log').query({ target }).set('Cookie', mod.cookie)).body.items;

  /**
   * Every page of the review queue, in order. In CI other test files share the database and hold posts too,
   * so callers look only at their own rows; every page must be full except the last, and the whole walk must
   * come oldest first.
   */
  const walkQueue = async (query: { limit?: number } = {}, onPage?: (items: QueueItem[]) => Promise<void>): Promise<QueueItem[]> => {
    const all: QueueItem[] = [];
    const size = query.limit ?? 50;
    let cursor: string | null = null;
    for (let pages = 0; pages < 2000; pages++) {
      const res = await t.http().get('/api/mod/queue').query({ ...query, ...(cursor ? { cursor } : {}) }).set('Cookie', mod.cookie);
      expect(res.status).toBe(200);
      const page = res.body as { items: QueueItem[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(size);
      if (page.nextCursor !== null) expect(page.items).toHaveLength(size);
      all.push(...page.items);
      await onPage?.(page.items);
      cursor = page.nextCursor;
      if (!cursor) {
        const times = all.map((i) => Date.parse(i.createdAt));
        expect(times.every((x, i) => i === 0 || times[i - 1] <= x)).toBe(true);
        return all;
      }
    }
    throw new Error('the review queue never ended');
  };

  describe('every /api/mod route', () => {
    // [method, path template, body, admin only]
    const routes: [string, string, Record<string, unknown>, boolean][] = [
      ['get', '/api/mod/queue', {}, false],
      ['post', '/api/mod/queue/:reply/approve', {}, false],
      ['post', '/api/mod/queue/:reply/reject', { reason: 'not for here' }, false],
      ['get', '/api/mod/reports', {}, false],
      ['post', '/api/mod/reports/:uuid/resolve', { action: 'dismiss' }, false],
      ['post', '/api/mod/threads/:uuid/lock', { reason: 'a reason' }, false],
      ['post', '/api/mod/threads/:uuid/unlock', {}, false],
      ['post', '/api/mod/threads/:uuid/pin', {}, false],
      ['post', '/api/mod/threads/:uuid/unpin', {}, false],
      ['post', '/api/mod/threads/:uuid/hide', { reason: 'a reason' }, false],
      ['post', '/api/mod/threads/:uuid/unhide', {}, false],
      ['post', '/api/mod/threads/:uuid/restore', {}, false],
      ['patch', '/api/mod/threads/:uuid', { slowModeSeconds: 30 }, false],
      ['post', '/api/mod/replies/:reply/hide', { reason: 'a reason' }, false],
      ['post', '/api/mod/replies/:reply/unhide', {}, false],
      ['post', '/api/mod/replies/:reply/restore', {}, false],
      ['get', '/api/mod/users/:uuid', {}, false],
      ['post', '/api/mod/users/:uuid/suspend', { days: 1, reason: 'a reason' }, false],
      ['post', '/api/mod/users/:uuid/ban', { reason: 'a reason' }, false],
      ['post', '/api/mod/users/:uuid/unban', {}, false],
      ['patch', '/api/mod/users/:uuid', { role: 'moderator' }, true],
      ['post', '/api/mod/reveal', { targetType: 'thread', targetId: '00000000-0000-4000-8000-000000000000', reason: 'safety check' }, false],
      ['get', '/api/mod/log', {}, false],
      ['get', '/api/mod/watched-words', {}, false],
      ['delete', '/api/mod/watched-words/:uuid', {}, false],
    ];
    const fill = (p: string) => p.replace(':uuid', randomUUID()).replace(':reply', '987654321');
    const send = (method: string, path: string, cookie: string, body: Record<string, unknown>) => {
      const req = (t.http() as unknown as Record<string, (p: string) => import('supertest').Test>)[method](path).set('Cookie', cookie);
      return method === 'get' || method === 'delete' ? req : req.send(body);
    };

    it.each(routes)('%s %s: member 403, moderator allowed or 403 when admin-only, missing target 404', async (method, path, body, adminOnly) => {
      const asMember = await send(method, fill(path), member.cookie, body);
      expect(asMember.status).toBe(403);
      expect(asMember.body.code).toBe('FORBIDDEN');
      const asMod = await send(method, fill(path), mod.cookie, body);
      const hasTarget = path.includes(':') || path.endsWith('/reveal');
      if (adminOnly) {
        expect(asMod.status).toBe(403);
        expect((await send(method, fill(path), admin.cookie, body)).status).toBe(404);
      } else if (hasTarget) expect(asMod.status).toBe(404);
      else expect(asMod.status).toBe(200);
      expect((await send(method, fill(path), '', body)).status).toBe(401);
    });
  });

  it('locks a story: replies answer 409 and socket readers see thread.updated', async () => {
    const s = await createStory(t, member);
    const reader = await connect(t, member.cookie);
    const updates = collect<{ id: string; locked: boolean }>(reader, 'thread.updated');
    await emitAck(reader, 'thread.join', { threadId: s.id });
    expect((await t.http().post(`/api/mod/threads/${s.id}/lock`).set('Cookie', mod.cookie).send({ reason: 'heated' })).status).toBe(200);
    const res = await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', member.cookie).send({ body: 'one more' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('THREAD_LOCKED');
    await waitFor(() => updates.some((u) => u.locked), 3000, 'thread.updated');
    expect(updates[0]).toMatchObject({ id: s.id, locked: true });
    reader.close();
    expect((await log(s.id))[0]).toMatchObject({ action: 'thread.lock', reason: 'heated', actor: { id: mod.id } });
    const n = await t.http().get('/api/notifications').set('Cookie', member.cookie);
    expect(n.body.items.some((x: { text: string }) => x.text.includes('locked') && x.text.includes('heated'))).toBe(true);
  });

  it('hides a story: members 404, moderators 200 with the badge, readers in the room get nothing new', async () => {
    const s = await createStory(t, member);
    const other = await registerMember(t);
    const reader = await connect(t, other.cookie);
    const created = collect(reader, 'reply.created');
    const updated = collect<{ id: string; hidden?: boolean }>(reader, 'thread.updated');
    await emitAck(reader, 'thread.join', { threadId: s.id });
    await t.http().post(`/api/mod/threads/${s.id}/hide`).set('Cookie', mod.cookie).send({ reason: 'private details' });
    await waitFor(() => updated.length > 0, 3000, 'thread.updated');
    expect(updated[0]).toEqual({ id: s.id, hidden: true, deleted: false });
    expect((await t.http().get(`/api/threads/${s.id}`).set('Cookie', other.cookie)).status).toBe(404);
    const seen = await t.http().get(`/api/threads/${s.id}`).set('Cookie', mod.cookie);
    expect(seen.status).toBe(200);
    expect(seen.body.hidden).toBe(true);
    // a moderator can still write into it; the evicted reader hears nothing
    const elsewhere = await createStory(t, member);
    expect(await emitAck(reader, 'thread.join', { threadId: elsewhere.id })).toMatchObject({ ok: true });
    const log = record(reader);
    await t.db.dataSource.query(`INSERT INTO replies (thread_id, author_id, body_md, body_html) VALUES ($1, $2, 'x', '<p>x</p>')`, [s.id, mod.id]);
    await t.http().post(`/api/mod/threads/${s.id}/lock`).set('Cookie', mod.cookie).send({ reason: 'heated' });
    // barrier: a later reply in a story the reader still reads must arrive, with nothing from the hidden one before it
    const barrier = await createReply(t, member, elsewhere.id);
    expect((await before(log, withId('reply.created', barrier.id))).filter((e) => e.event === 'reply.created' || e.event === 'thread.updated')).toEqual([]);
    expect(created.filter((c) => (c as { id: string }).id !== barrier.id)).toHaveLength(0);
    expect(updated).toHaveLength(1);
    reader.close();
  });

  it('hides a story reported by three different members until reviewed', async () => {
    const s = await createStory(t, member);
    const reporters = await Promise.all([registerMember(t), registerMember(t), registerMember(t)]);
    for (const [i, r] of reporters.entries()) {
      const res = await t.http().post('/api/reports').set('Cookie', r.cookie).send({ targetType: 'thread', targetId: s.id, reason: 'harmful' });
      expect(res.status).toBe(201);
      expect((await t.http().get(`/api/threads/${s.id}`).set('Cookie', mod.cookie)).body.hidden).toBe(i === 2);
      if (i === 0) {
        // one open report per reporter and target
        const again = await t.http().post('/api/reports').set('Cookie', r.cookie).send({ targetType: 'thread', targetId: s.id, reason: 'spam' });
        expect(again.status).toBe(409);
        expect(again.body.code).toBe('ALREADY_REPORTED');
      }
    }
    expect((await t.http().get(`/api/threads/${s.id}`).set('Cookie', reporters[0].cookie)).status).toBe(404);
    expect((await log(s.id)).map((l) => l.action)).toContain('thread.auto_hide');
    // page through the whole queue: in CI other test files add reports to the shared database
    const openReports = async (): Promise<{ reportIds: string[]; targetId: string; reasons: Record<string, number> }[]> => {
      const all: { reportIds: string[]; targetId: string; reasons: Record<string, number> }[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { reportIds: string[]; targetId: string; reasons: Record<string, number> }[]; nextCursor: string | null } } = await t.http()
          .get('/api/mod/reports').query({ status: 'open', limit: 50, ...(cursor ? { cursor } : {}) }).set('Cookie', mod.cookie);
        all.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      return all;
    };
    // one item for the story, with its three reports
    const mine = (await openReports()).filter((r) => r.targetId === s.id);
    expect(mine).toHaveLength(1);
    expect(mine[0].reportIds).toHaveLength(3);
    expect(mine[0].reasons).toEqual({ harmful: 3 });
    const resolved = await t.http().post(`/api/mod/reports/${mine[0].reportIds[0]}/resolve`).set('Cookie', mod.cookie).send({ action: 'dismiss', note: 'fine on reflection' });
    expect(resolved.status).toBe(200);
    expect((await openReports()).filter((r) => r.targetId === s.id)).toHaveLength(0);
    const note = await t.http().get('/api/notifications').set('Cookie', reporters[1].cookie);
    expect(note.body.items[0].text).toMatch(/reviewed/);
    expect(note.body.items[0].text).not.toMatch(/dismiss/);
  });

  it('rejects bad reports', async () => {
    const s = await createStory(t, member);
    for (const body of [{}, { targetType: 'thread', targetId: s.id }, { targetType: 'post', targetId: s.id, reason: 'spam' }, { targetType: 'thread', targetId: s.id, reason: 'ugly' }, { targetType: 'thread', targetId: s.id, reason: 'spam', note: 'x'.repeat(1001) }]) {
      expect((await t.http().post('/api/reports').set('Cookie', member.cookie).send(body)).status).toBe(400);
    }
    expect((await t.http().post('/api/reports').set('Cookie', member.cookie).send({ targetType: 'thread', targetId: randomUUID(), reason: 'spam' })).status).toBe(404);
    expect((await t.http().post('/api/reports').set('Cookie', member.cookie).send({ targetType: 'reply', targetId: 'abc', reason: 'spam' })).status).toBe(404);
  });

  it('puts crisis reports on top of the queue and answers the author with resources', async () => {
    const s = await createStory(t, member);
    await t.http().post('/api/reports').set('Cookie', mod.cookie).send({ targetType: 'thread', targetId: s.id, reason: 'spam' });
    const res = await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', member.cookie).send({ body: 'Some days I feel like I want to die.' });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('published');
    expect(res.body.safety.crisis).toBe(true);
    expect(res.body.safety.resources.length).toBeGreaterThan(0);
    let first: { reason: string; automatic: boolean } | undefined;
    for (let i = 0; i < 100 && !first; i++) {
      [first] = await t.db.dataSource.query(`SELECT reason, automatic FROM reports WHERE target_type = 'reply' AND target_id = $1`, [res.body.id]);
      if (!first) await sleep(50);
    }
    // crisis reports come first in the queue
    const reports = await t.http().get('/api/mod/reports').set('Cookie', mod.cookie);
    expect(reports.body.items[0].reasons.crisis).toBeGreaterThan(0);
    expect(first).toMatchObject({ reason: 'crisis', automatic: true });
    const check = await t.http().post('/api/safety/check').set('Cookie', member.cookie).send({ text: 'I want to END my   life' });
    expect(check.body.crisis).toBe(true);
    expect((await t.http().post('/api/safety/check').set('Cookie', member.cookie).send({ text: 'a calm day' })).body).toEqual({ crisis: false, resources: [] });
  });

  it('applies each watched-word action, also against evasion by case, full-width letters and zero-width characters', async () => {
    const s = await createStory(t, member);
    const add = (pattern: string, action: string) => t.http().post('/api/mod/watched-words').set('Cookie', mod.cookie).send({ pattern, action });
    expect((await add('buy pills', 'block')).status).toBe(201);
    expect((await add('casino', 'hold')).status).toBe(201);
    expect((await add('meetup', 'flag')).status).toBe(201);
    expect((await add('casino', 'block')).status).toBe(409);
    expect((await add('', 'block')).status).toBe(400);
    expect((await add('x', 'ban')).status).toBe(400);

    for (const body of ['You can BUY PILLS here', 'buy\u200b pills now', 'ｂｕｙ ｐｉｌｌｓ', 'buy \u202epills']) {
      const res = await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', member.cookie).send({ body });
      expect(res.status).toBe(400);
      expect(res.body.message).not.toMatch(/pills/i);
    }
    expect((await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', member.cookie).send({ body: 'buying pillsbury dough' })).status).toBe(201);
    const held = await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', member.cookie).send({ body: 'Visit my Ｃａｓｉｎｏ' });
    expect(held.status).toBe(201);
    expect(held.body.status).toBe('pending');
    const other = await registerMember(t);
    const list = await t.http().get(`/api/threads/${s.id}/replies`).set('Cookie', other.cookie);
    expect(list.body.items.map((r: { id: string }) => r.id)).not.toContain(held.body.id);
    // page through the queue: in CI other test files hold posts in the shared database too
    expect((await walkQueue({ limit: 50 })).map((q) => q.id)).toContain(held.body.id);
    const flagged = await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', member.cookie).send({ body: 'A MEETUP next week?' });
    expect(flagged.body.status).toBe('published');
    // read straight from the table: in CI other test files fill the shared queue, so the first page may not hold it
    let report: { automatic: boolean; reason: string } | undefined;
    for (let i = 0; i < 100 && !report; i++) {
      [report] = await t.db.dataSource.query(`SELECT automatic, reason FROM reports WHERE target_type = 'reply' AND target_id = $1`, [flagged.body.id]);
      if (!report) await sleep(50);
    }
    expect(report).toMatchObject({ automatic: true, reason: 'other' });
    const words = await t.http().get('/api/mod/watched-words').set('Cookie', mod.cookie);
    const id = words.body.items.find((w: { pattern: string }) => w.pattern === 'casino').id;
    expect((await t.http().delete(`/api/mod/watched-words/${id}`).set('Cookie', mod.cookie)).status).toBe(204);
    expect((await t.http().delete(`/api/mod/watched-words/${id}`).set('Cookie', mod.cookie)).status).toBe(404);
    const blockId = words.body.items.find((w: { pattern: string }) => w.pattern === 'buy pills').id;
    await t.http().delete(`/api/mod/watched-words/${blockId}`).set('Cookie', mod.cookie);
  });

  describe('the review queue in pages', () => {
    /** A day ahead, to the second: held posts dated there sort after everyone else's, so other suites' first pages stay as they were. */
    const future = () => new Date(Math.floor(Date.now() / 1000) * 1000 + 86_400_000).toISOString();

    /** Holds `n` replies in a new story by SQL, dated `base` plus the microseconds `offset(i)` gives (ties on purpose). */
    const holdReplies = async (n: number, base: string, offset: (i: number) => number): Promise<{ id: string; off: number; threadId: string }[]> => {
      const s = await createStory(t, member);
      const offs = Array.from({ length: n }, (_, i) => offset(i));
      const rows: { id: string; off: number; threadId: string }[] = await t.db.dataSource.query(
        `INSERT INTO replies (thread_id, author_id, body_md, body_html, status, created_at)
         SELECT $1, $2, 'held ' || o.i, '<p>held ' || o.i || '</p>', 'pending', $3::timestamptz + o.off * interval '1 microsecond'
           FROM unnest($4::int[]) WITH ORDINALITY AS o(off, i)
         RETURNING id::text AS id, thread_id AS "threadId", (extract(epoch FROM created_at - $3::timestamptz) * 1000000)::int AS off`,
        [s.id, member.id, base, offs],
      );
      return rows;
    };
    const release = async (ids: string[]) => {
      await t.db.dataSource.query(`UPDATE replies SET status = 'rejected' WHERE id = ANY($1::bigint[]) AND status = 'pending'`, [ids.filter((id) => !id.includes('-'))]);
      await t.db.dataSource.query(`UPDATE threads SET status = 'rejected' WHERE id = ANY($1::uuid[]) AND status = 'pending'`, [ids.filter((id) => id.includes('-'))]);
    };

    it('walks every held post exactly once, oldest first, ties by type then id, while moderators approve and reject', async () => {
      const base = future();
      // 51 replies, three to an instant, all inside one millisecond: a cursor rounded to milliseconds would repeat or skip them
      const replies = (await holdReplies(51, base, (i) => Math.floor(i / 3))).map((r) => ({ ...r, type: 'reply' as const }));
      // six stories at some of the same instants (a reply sorts before a story), two of them at the very same one
      const stories: { id: string; off: number; type: 'thread' }[] = [];
      for (const off of [0, 3, 7, 11, 16, 16]) {
        const s = await createStory(t, member, { title: `Held story ${off}` });
        await t.db.dataSource.query(`UPDATE threads SET status = 'pending', created_at = $2::timestamptz + $3 * interval '1 microsecond' WHERE id = $1`, [s.id, base, off]);
        stories.push({ id: s.id, off, type: 'thread' });
      }
      const mine = [...replies, ...stories];
      const byId = (a: { id: string; type: string }, b: { id: string; type: string }) =>
        a.type === 'reply' ? (BigInt(a.id) < BigInt(b.id) ? -1 : 1) : a.id < b.id ? -1 : 1;
      const expected = [...mine].sort((a, b) => a.off - b.off || (a.type === b.type ? byId(a, b) : a.type === 'reply' ? -1 : 1)).map((x) => x.id);
      const ids = new Set(expected);
      try {
        // the default page is 50, with a cursor to the rest
        const first = await t.http().get('/api/mod/queue').set('Cookie', mod.cookie);
        expect(first.status).toBe(200);
        expect(first.body.items).toHaveLength(50);
        expect(typeof first.body.nextCursor).toBe('string');

        // small pages; on the first page that shows ours, approve one shown and reject one not yet reached
        let approved: string | null = null;
        let rejected: string | null = null;
        const walked = await walkQueue({ limit: 7 }, async (items) => {
          const ours = items.filter((i) => ids.has(i.id));
          if (approved || !ours.length) return;
          approved = ours[0].id;
          rejected = expected[expected.length - 2];
          expect((await t.http().post(`/api/mod/queue/${approved}/approve`).set('Cookie', mod.cookie).send({})).body).toEqual({ ok: true, status: 'published' });
          const res = await t.http().post(`/api/mod/queue/${rejected}/reject`).set('Cookie', mod.cookie).send({ reason: 'not for this forum' });
          expect(res.body).toEqual({ ok: true, status: 'rejected' });
        });
        const seen = walked.filter((i) => ids.has(i.id));
        expect(seen.map((i) => i.id)).toEqual(expected.filter((id) => id !== rejected));
        for (const i of seen) expect({ id: i.id, type: i.type, threadId: i.threadId }).toEqual({ id: i.id, type: i.id.includes('-') ? 'thread' : 'reply', threadId: i.id.includes('-') ? i.id : replies[0].threadId });

        // the same walk with the default and the largest page: what was approved or rejected is gone, the rest is in order
        for (const limit of [undefined, 50]) {
          const again = (await walkQueue(limit ? { limit } : {})).filter((i) => ids.has(i.id)).map((i) => i.id);
          expect(again).toEqual(expected.filter((id) => id !== approved && id !== rejected));
        }
      } finally {
        await release(expected);
      }
    });

    it('refuses a bad limit, and a garbled, tampered or foreign cursor, with a clean 400', async () => {
      const held = await holdReplies(2, future(), (i) => i);
      try {
        for (const limit of ['0', '51', '-1', 'abc', '1.5', '1e3', '99999999999999999999']) {
          const res = await t.http().get(`/api/mod/queue?limit=${limit}`).set('Cookie', mod.cookie);
          expect({ limit, status: res.status }).toEqual({ limit, status: 400 });
          expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', errors: [{ field: 'limit', message: 'limit must be a whole number from 1 to 50' }] });
        }
        expect((await t.http().get('/api/mod/queue?limit=1&limit=2').set('Cookie', mod.cookie)).status).toBe(400);
        expect((await t.http().get('/api/mod/queue?page=2').set('Cookie', mod.cookie)).body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
        for (const limit of [1, 50]) expect((await t.http().get('/api/mod/queue').query({ limit }).set('Cookie', mod.cookie)).status).toBe(200);

        const real: string = (await t.http().get('/api/mod/queue?limit=1').set('Cookie', mod.cookie)).body.nextCursor;
        expect(typeof real).toBe('string');
        expect((await t.http().get('/api/mod/queue').query({ limit: 1, cursor: real }).set('Cookie', mod.cookie)).status).toBe(200);
        const [payload, sig] = real.split('.');
        const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
        const reencoded = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
        // cursors of other lists, signed with the same secret
        const s1 = await createStory(t, member);
        await createStory(t, member);
        await t.http().post(`/api/mod/threads/${s1.id}/pin`).set('Cookie', mod.cookie).send({});
        await t.http().post(`/api/mod/threads/${s1.id}/unpin`).set('Cookie', mod.cookie).send({});
        const logCursor: string = (await t.http().get('/api/mod/log?limit=1').set('Cookie', mod.cookie)).body.nextCursor;
        const storiesCursor: string = (await t.http().get('/api/threads?limit=1').set('Cookie', mod.cookie)).body.nextCursor;
        expect(typeof logCursor).toBe('string');
        expect(typeof storiesCursor).toBe('string');
        const bad = [
          'garbage',
          'a.b',
          '..',
          'x'.repeat(600),
          `${payload}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`,
          `${reencoded({ ...value, id: held[1].id })}.${sig}`,
          `${reencoded({ ...value, t: '1970-01-01T00:00:00.000000Z' })}.${sig}`,
          `${payload}.${sig}.extra`,
          logCursor,
          storiesCursor,
        ];
        for (const cursor of bad) {
          const res = await t.http().get('/api/mod/queue').query({ cursor }).set('Cookie', mod.cookie);
          expect({ cursor, status: res.status }).toEqual({ cursor, status: 400 });
          expect(res.body).toMatchObject({ statusCode: 400, code: 'INVALID_CURSOR' });
          expect(typeof res.body.message).toBe('string');
        }
      } finally {
        await release(held.map((r) => r.id));
      }
    });
  });

  it('suspends: writes 403 with the end date, reads fine; suggests longer steps; moderators cannot act on staff', async () => {
    const m = await registerMember(t);
    const s = await createStory(t, member);
    const info = await t.http().get(`/api/mod/users/${m.id}`).set('Cookie', mod.cookie);
    expect(info.body.suggestedSuspensionDays).toBe(1);
    const res = await t.http().post(`/api/mod/users/${m.id}/suspend`).set('Cookie', mod.cookie).send({ days: 1, reason: 'cool off' });
    expect(res.status).toBe(200);
    expect(res.body.nextSuggestedDays).toBe(3);
    const write = await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', m.cookie).send({ body: 'hello' });
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('ACCOUNT_SUSPENDED');
    expect(Date.parse(write.body.until)).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect((await t.http().put(`/api/threads/${s.id}/reactions/relate`).set('Cookie', m.cookie)).status).toBe(403);
    expect((await t.http().get(`/api/threads/${s.id}`).set('Cookie', m.cookie)).status).toBe(200);
    expect((await t.http().post('/api/auth/logout').set('Cookie', m.cookie)).status).toBe(204);

    const otherMod = await registerMember(t);
    await setRole(t, otherMod.id, 'moderator');
    expect((await t.http().post(`/api/mod/users/${otherMod.id}/suspend`).set('Cookie', mod.cookie).send({ days: 1, reason: 'not allowed' })).status).toBe(403);
    expect((await t.http().post(`/api/mod/users/${admin.id}/ban`).set('Cookie', mod.cookie).send({ reason: 'not allowed' })).status).toBe(403);
    expect((await t.http().post(`/api/mod/users/${otherMod.id}/suspend`).set('Cookie', admin.cookie).send({ days: 3, reason: 'allowed for admins' })).status).toBe(200);
    expect((await t.http().post(`/api/mod/users/${m.id}/suspend`).set('Cookie', mod.cookie).send({ days: 0, reason: 'x' })).status).toBe(400);
  });

  it('bans: sessions end, sockets are told, login is refused; unban lets them back', async () => {
    const m = await registerMember(t);
    const socket = await connect(t, m.cookie);
    const ended = collect<{ reason: string }>(socket, 'session.ended');
    const gone = new Promise((r) => socket.once('disconnect', r));
    expect((await t.http().post(`/api/mod/users/${m.id}/ban`).set('Cookie', mod.cookie).send({ reason: 'harassment' })).status).toBe(200);
    await gone;
    expect(ended).toEqual([{ reason: 'banned' }]);
    expect((await t.http().get('/api/auth/me').set('Cookie', m.cookie)).status).toBe(401);
    const login = await t.http().post('/api/auth/login').send({ username: m.username, password: m.password });
    expect(login.status).toBe(403);
    expect(login.body.code).toBe('ACCOUNT_BANNED');
    expect((await t.http().post(`/api/mod/users/${m.id}/unban`).set('Cookie', mod.cookie).send({})).status).toBe(200);
    expect((await t.http().post('/api/auth/login').send({ username: m.username, password: m.password })).status).toBe(200);
    expect((await log(m.id)).map((l) => l.action)).toEqual(['user.unban', 'user.ban']);
  });

  it('changes roles only by an admin, applied on the very next request', async () => {
    const m = await registerMember(t);
    expect((await t.http().get('/api/mod/queue').set('Cookie', m.cookie)).status).toBe(403);
    expect((await t.http().patch(`/api/mod/users/${m.id}`).set('Cookie', admin.cookie).send({ role: 'moderator' })).status).toBe(200);
    expect((await t.http().get('/api/mod/queue').set('Cookie', m.cookie)).status).toBe(200);
    expect((await t.http().patch(`/api/mod/users/${m.id}`).set('Cookie', admin.cookie).send({ role: 'member' })).status).toBe(200);
    expect((await t.http().get('/api/mod/queue').set('Cookie', m.cookie)).status).toBe(403);
    expect((await t.http().patch(`/api/mod/users/${m.id}`).set('Cookie', admin.cookie).send({ role: 'king' })).status).toBe(400);
  });

  it('ends the open sockets of a member whose role changes, so none keeps hearing what only staff may', async () => {
    const m = await registerMember(t);
    await setRole(t, m.id, 'moderator');
    const s = await createStory(t, member);
    const socket = await connect(t, m.cookie);
    try {
      expect((await emitAck(socket, 'thread.join', { threadId: s.id })).ok).toBe(true);
      const gone = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
      expect((await t.http().patch(`/api/mod/users/${m.id}`).set('Cookie', admin.cookie).send({ role: 'member' })).status).toBe(200);
      await expect(Promise.race([gone, sleep(5000).then(() => 'still connected')])).resolves.toBe('io server disconnect');
      // joining again: as a member now, held replies no longer reach them
      const again = await connect(t, m.cookie);
      try {
        const created = collect<{ id: string }>(again, 'reply.created');
        expect((await emitAck(again, 'thread.join', { threadId: s.id })).ok).toBe(true);
        const held = await t.db.dataSource.query(
          `INSERT INTO replies (thread_id, author_id, anonymous, body_md, body_html, status) VALUES ($1, $2, false, 'held', '<p>held</p>', 'pending') RETURNING id::text AS id`,
          [s.id, member.id],
        );
        t.app.get(EventEmitter2).emit('reply.created', { threadId: s.id, replyId: held[0].id });
        const published = await createReply(t, member, s.id);
        await waitFor(() => created.some((r) => r.id === published.id), 5000, 'the published reply');
        expect(created.map((r) => r.id)).not.toContain(held[0].id);
      } finally {
        again.close();
      }
    } finally {
      socket.close();
    }
  });

  it('hides and restores replies: members see a placeholder, the count follows, the author is told why', async () => {
    const s = await createStory(t, member);
    const writer = await registerMember(t);
    const r = await createReply(t, writer, s.id);
    expect((await t.http().post(`/api/mod/replies/${r.id}/hide`).set('Cookie', mod.cookie).send({ reason: 'off topic' })).status).toBe(200);
    const list = await t.http().get(`/api/threads/${s.id}/replies`).set('Cookie', member.cookie);
    expect(list.body.items).toEqual([{ id: r.id, threadId: s.id, deleted: true }]);
    expect((await t.http().get(`/api/threads/${s.id}`).set('Cookie', member.cookie)).body.replyCount).toBe(0);
    const modList = await t.http().get(`/api/threads/${s.id}/replies`).set('Cookie', mod.cookie);
    expect(modList.body.items[0]).toMatchObject({ id: r.id, hidden: true });
    await t.http().post(`/api/mod/replies/${r.id}/unhide`).set('Cookie', mod.cookie).send({});
    expect((await t.http().get(`/api/threads/${s.id}`).set('Cookie', member.cookie)).body.replyCount).toBe(1);
    const notes = await t.http().get('/api/notifications').set('Cookie', writer.cookie);
    expect(notes.body.items.some((n: { text: string }) => n.text.includes('off topic'))).toBe(true);
  });

  it('reveals the account behind an anonymous post only through a logged request with a reason', async () => {
    const s = await createStory(t, member, { anonymous: true });
    expect((await t.http().post('/api/mod/reveal').set('Cookie', mod.cookie).send({ targetType: 'thread', targetId: s.id })).status).toBe(400);
    const res = await t.http().post('/api/mod/reveal').set('Cookie', mod.cookie).send({ targetType: 'thread', targetId: s.id, reason: 'threats in the story' });
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ id: member.id, username: member.username });
    expect((await log(s.id))[0]).toMatchObject({ action: 'author.reveal', reason: 'threats in the story', actor: { id: mod.id } });
    // the queue and other moderator views show only the pseudonym
    const seen = await t.http().get(`/api/threads/${s.id}`).set('Cookie', mod.cookie);
    expect(JSON.stringify(seen.body)).not.toContain(member.username);
  });

  it('sets slow mode: a member may reply once per N seconds in that story', async () => {
    const s = await createStory(t, member);
    expect((await t.http().patch(`/api/mod/threads/${s.id}`).set('Cookie', mod.cookie).send({ slowModeSeconds: 60 })).status).toBe(200);
    const w = await registerMember(t);
    expect((await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', w.cookie).send({ body: 'first' })).status).toBe(201);
    const second = await t.http().post(`/api/threads/${s.id}/replies`).set('Cookie', w.cookie).send({ body: 'second' });
    expect(second.status).toBe(429);
    expect(Number(second.headers['retry-after'])).toBeGreaterThan(50);
    expect((await t.http().patch(`/api/mod/threads/${s.id}`).set('Cookie', mod.cookie).send({ slowModeSeconds: -1 })).status).toBe(400);
    expect((await t.http().patch(`/api/mod/threads/${s.id}`).set('Cookie', mod.cookie).send({ category: 'nowhere' })).status).toBe(400);
  });

  describe('loose ends', () => {
    const notificationTexts = async (m: Member): Promise<string[]> =>
      (await t.http().get('/api/notifications').set('Cookie', m.cookie)).body.items.map((n: { text: string }) => n.text);

    it('refuses blank reasons with 400 and stores given ones trimmed', async () => {
      const s = await createStory(t, member, { anonymous: true });
      for (const reason of ['   ', '\t\n ', ' a ']) {
        const res = await t.http().post('/api/mod/reveal').set('Cookie', mod.cookie).send({ targetType: 'thread', targetId: s.id, reason });
        expect({ reason, status: res.status, code: res.body.code }).toEqual({ reason, status: 400, code: 'VALIDATION_FAILED' });
        expect(res.body.user).toBeUndefined();
      }
      const blankOptional = await t.http().post(`/api/mod/threads/${s.id}/pin`).set('Cookie', mod.cookie).send({ reason: '    ' });
      expect(blankOptional.status).toBe(400);
      expect(blankOptional.body.message).toMatch(/reason must not be blank/);
      // a lock needs a reason: spaces alone are not one
      const blankLock = await t.http().post(`/api/mod/threads/${s.id}/lock`).set('Cookie', mod.cookie).send({ reason: '    ' });
      expect(blankLock.status).toBe(400);
      expect(blankLock.body.errors).toEqual([{ field: 'reason', message: expect.stringContaining('at least 3 characters') }]);
      // and a lock without any reason says one is required (not that it was of the wrong type)
      const noReason = await t.http().post(`/api/mod/threads/${s.id}/lock`).set('Cookie', mod.cookie).send({});
      expect(noReason.status).toBe(400);
      expect(noReason.body.errors).toEqual([{ field: 'reason', message: expect.stringContaining('reason is required') }]);
      expect((await t.http().patch(`/api/mod/threads/${s.id}`).set('Cookie', mod.cookie).send({ slowModeSeconds: 30, reason: ' ' })).status).toBe(400);
      expect((await t.http().post(`/api/mod/users/${member.id}/suspend`).set('Cookie', mod.cookie).send({ days: 1, reason: '  ' })).status).toBe(400);
      // nothing of those was done or logged
      expect(await log(s.id)).toEqual([]);
      expect((await t.http().get(`/api/threads/${s.id}`).set('Cookie', member.cookie)).body).toMatchObject({ locked: false, pinned: false, slowModeSeconds: 0 });

      const ok = await t.http().post('/api/mod/reveal').set('Cookie', mod.cookie).send({ targetType: 'thread', targetId: s.id, reason: '   threats in the story  ' });
      expect(ok.status).toBe(200);
      expect((await log(s.id))[0]).toMatchObject({ action: 'author.reveal', reason: 'threats in the story' });
    });

    it('leaves a moderator\'s own held post to another moderator', async () => {
      const other = await registerMember(t);
      await setRole(t, other.id, 'moderator');
      const story = await createStory(t, mod, { title: 'A held story by a moderator' });
      await t.db.dataSource.query(`UPDATE threads SET status = 'pending' WHERE id = $1`, [story.id]);
      const host = await createStory(t, member);
      const [reply]: { id: string }[] = await t.db.dataSource.query(
        `INSERT INTO replies (thread_id, author_id, body_md, body_html, status) VALUES ($1, $2, 'held', '<p>held</p>', 'pending') RETURNING id::text AS id`,
        [host.id, mod.id],
      );
      try {
        for (const [id, verb, body] of [[story.id, 'approve', {}], [reply.id, 'reject', { reason: 'my own words' }], [reply.id, 'approve', {}]] as const) {
          const res = await t.http().post(`/api/mod/queue/${id}/${verb}`).set('Cookie', mod.cookie).send(body);
          expect({ verb, status: res.status, code: res.body.code }).toEqual({ verb, status: 403, code: 'FORBIDDEN' });
          expect(res.body.message).toMatch(/your own post.*another moderator/);
        }
        expect(await log(story.id)).toEqual([]);
        expect(await log(reply.id)).toEqual([]);
        // another moderator, or an admin, reviews it
        expect((await t.http().post(`/api/mod/queue/${story.id}/approve`).set('Cookie', other.cookie).send({})).body).toEqual({ ok: true, status: 'published' });
        expect((await t.http().post(`/api/mod/queue/${reply.id}/reject`).set('Cookie', admin.cookie).send({ reason: 'not for here' })).body).toEqual({ ok: true, status: 'rejected' });
      } finally {
        await t.db.dataSource.query(`UPDATE replies SET status = 'rejected' WHERE id = $1::bigint AND status = 'pending'`, [reply.id]);
        await t.db.dataSource.query(`UPDATE threads SET status = 'rejected' WHERE id = $1 AND status = 'pending'`, [story.id]);
      }
    });

    it('answers an action that would change nothing with the state as it is, notifying nobody and logging nothing', async () => {
      const author = await registerMember(t);
      const replier = await registerMember(t);
      const s = await createStory(t, author, { title: 'A story for no-op actions' });
      const r = await createReply(t, replier, s.id);
      const reader = await connect(t, replier.cookie);
      try {
        const updates = collect<{ id: string }>(reader, 'thread.updated');
        expect((await emitAck(reader, 'thread.join', { threadId: s.id })).ok).toBe(true);
        const open = { id: s.id, locked: false, pinned: false, hidden: false, deleted: false };
        for (const verb of ['unlock', 'unpin', 'unhide', 'restore']) {
          const res = await t.http().post(`/api/mod/threads/${s.id}/${verb}`).set('Cookie', mod.cookie).send({ reason: 'again' });
          expect({ verb, status: res.status, body: res.body }).toEqual({ verb, status: 200, body: { ok: true, changed: false, thread: open } });
        }
        for (const verb of ['unhide', 'restore']) {
          const res = await t.http().post(`/api/mod/replies/${r.id}/${verb}`).set('Cookie', mod.cookie).send({});
          expect({ verb, status: res.status, body: res.body }).toEqual({ verb, status: 200, body: { ok: true, changed: false, reply: { id: r.id, hidden: false, deleted: false } } });
        }
        const sameSettings = await t.http().patch(`/api/mod/threads/${s.id}`).set('Cookie', mod.cookie).send({ slowModeSeconds: 0, category: 'work' });
        expect(sameSettings.body).toEqual({ ok: true, changed: false, slowModeSeconds: 0, category: 'work' });

        // a real lock, then a second one that changes nothing
        const lock = await t.http().post(`/api/mod/threads/${s.id}/lock`).set('Cookie', mod.cookie).send({ reason: 'heated' });
        expect(lock.body).toEqual({ ok: true, changed: true, thread: { ...open, locked: true } });
        const again = await t.http().post(`/api/mod/threads/${s.id}/lock`).set('Cookie', mod.cookie).send({ reason: 'still heated' });
        expect(again.body).toEqual({ ok: true, changed: false, thread: { ...open, locked: true } });
        await t.http().post(`/api/mod/replies/${r.id}/hide`).set('Cookie', mod.cookie).send({ reason: 'off topic' });
        const hideAgain = await t.http().post(`/api/mod/replies/${r.id}/hide`).set('Cookie', mod.cookie).send({ reason: 'off topic again' });
        expect(hideAgain.body).toEqual({ ok: true, changed: false, reply: { id: r.id, hidden: true, deleted: false } });

        // the lock's own update arrives; nothing came before it for the no-ops
        await waitFor(() => updates.length >= 1, 3000, 'thread.updated for the lock');
        expect((await log(s.id)).map((l) => l.action)).toEqual(['thread.lock']);
        expect((await log(r.id)).map((l) => l.action)).toEqual(['reply.hide']);
        expect((await notificationTexts(author)).filter((x) => x.includes('moderator'))).toEqual([expect.stringContaining('locked your story')]);
        expect((await notificationTexts(replier)).filter((x) => x.includes('moderator'))).toEqual([expect.stringContaining('hid your reply')]);
        const unban = await t.http().post(`/api/mod/users/${author.id}/unban`).set('Cookie', mod.cookie).send({});
        expect(unban.body).toMatchObject({ ok: true, changed: false });
        expect(await log(author.id)).toEqual([]);
        // barrier: a real pin is heard; the second lock, before it, sent nothing
        expect((await t.http().post(`/api/mod/threads/${s.id}/pin`).set('Cookie', mod.cookie).send({})).body.changed).toBe(true);
        await waitFor(() => updates.length >= 2, 3000, 'thread.updated for the pin');
        expect(updates.map((u) => (u as { pinned?: boolean }).pinned)).toEqual([false, true]);
      } finally {
        reader.close();
      }
    });
  });
});

describe('review of first posts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ REVIEW_FIRST_POSTS: '2' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('holds a new member\'s first posts, invisible to others until approved, then delivered live', async () => {
    const mod = await registerMember(t);
    await setRole(t, mod.id, 'moderator');
    const host = await registerMember(t);
    const story = await createStory(t, mod);
    const reader = await connect(t, host.cookie);
    const created = collect<{ id: string }>(reader, 'reply.created');
    await emitAck(reader, 'thread.join', { threadId: story.id });

    const newbie = await registerMember(t);
    const first = await t.http().post(`/api/threads/${story.id}/replies`).set('Cookie', newbie.cookie).send({ body: 'My first words here' });
    expect(first.status).toBe(201);
    expect(first.body.status).toBe('pending');
    const own = await t.http().get(`/api/threads/${story.id}/replies`).set('Cookie', newbie.cookie);
    expect(own.body.items.map((r: { id: string }) => r.id)).toContain(first.body.id);
    const others = await t.http().get(`/api/threads/${story.id}/replies`).set('Cookie', host.cookie);
    expect(others.body.items.map((r: { id: string }) => r.id)).not.toContain(first.body.id);
    // barrier: someone typing in the story after the held post reaches the reader; the held post must not come before it
    const log = record(reader);
    const typist = await connect(t, mod.cookie);
    await emitAck(typist, 'thread.join', { threadId: story.id });
    expect(await emitAck(typist, 'typing', { threadId: story.id })).toEqual({ ok: true });
    const earlier = await before(log, (e) => e.event === 'typing' && (e.payload as { count: number }).count > 0);
    typist.close();
    expect(earlier.filter((e) => e.event === 'reply.created')).toEqual([]);
    expect(created).toHaveLength(0);

    const approve = await t.http().post(`/api/mod/queue/${first.body.id}/approve`).set('Cookie', mod.cookie).send({});
    expect(approve.status).toBe(200);
    await waitFor(() => created.length === 1, 3000, 'approved reply live');
    expect(created[0].id).toBe(first.body.id);
    expect((await t.http().get(`/api/threads/${story.id}`).set('Cookie', host.cookie)).body.replyCount).toBe(1);

    const ownStory = await t.http().post('/api/threads').set('Cookie', newbie.cookie).send({ title: 'My second post', category: 'work', happened: 'Something happened that I want to share.' });
    expect(ownStory.body.status).toBe('pending');
    expect((await t.http().get(`/api/threads/${ownStory.body.id}`).set('Cookie', host.cookie)).status).toBe(404);
    const reject = await t.http().post(`/api/mod/queue/${ownStory.body.id}/reject`).set('Cookie', mod.cookie).send({ reason: 'please add more detail' });
    expect(reject.status).toBe(200);
    const notes = await t.http().get('/api/notifications').set('Cookie', newbie.cookie);
    expect(notes.body.items.some((n: { text: string }) => n.text.includes('please add more detail'))).toBe(true);
    // after two published posts a member is trusted
    await t.http().post(`/api/threads/${story.id}/replies`).set('Cookie', newbie.cookie).send({ body: 'second' }).then((r) => t.http().post(`/api/mod/queue/${r.body.id}/approve`).set('Cookie', mod.cookie).send({}));
    const third = await t.http().post(`/api/threads/${story.id}/replies`).set('Cookie', newbie.cookie).send({ body: 'third' });
    expect(third.body.status).toBe('published');
    reader.close();
  });
});
