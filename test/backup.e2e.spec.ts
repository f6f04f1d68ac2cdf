import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/config.js';
import { openDatabase } from '../src/database/data-source.js';
import { Member, registerMember, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';

// `npm run backup` / `npm run restore` as an operator runs them: the built CLIs (`npm test` builds first), spawned
// against a database of their own — a separate PostgreSQL database under TEST_DATABASE_URL (the run's shared test
// database must not be wiped), else an embedded database in a temporary DATA_DIR.

const cli = (name: string): string => join(process.cwd(), `dist/src/cli/${name}.js`);

function run(name: 'backup' | 'restore', args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [cli(name), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

interface Target {
  env: Record<string, string>;
  wipe(): Promise<void>;
  dispose(): Promise<void>;
}

async function makeTarget(): Promise<Target> {
  const base = process.env.TEST_DATABASE_URL;
  if (base) {
    const name = `setback_backup_${Date.now()}_${randomBytes(3).toString('hex')}`;
    const admin = async (sql: string): Promise<void> => {
      const c = new DataSource({ type: 'postgres', url: base });
      await c.initialize();
      try {
        await c.query(sql);
      } finally {
        await c.destroy();
      }
    };
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(base);
    url.pathname = `/${name}`;
    return {
      env: { DATABASE_URL: url.toString() },
      wipe: async () => {
        await admin(`DROP DATABASE ${name} WITH (FORCE)`);
        await admin(`CREATE DATABASE ${name}`);
      },
      dispose: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'setback-backup-db-'));
  const dataDir = join(dir, 'data');
  return {
    env: { DATA_DIR: dataDir },
    wipe: async () => rmSync(dataDir, { recursive: true, force: true }),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Every row of every content table (as JSON, sorted), every sequence and the migrations: the database as data. */
async function snapshot(env: Record<string, string>): Promise<{ tables: Record<string, string[]>; sequences: Record<string, string | null>; migrations: string[] }> {
  const db = await openDatabase(loadConfig({ LOG_LEVEL: 'silent', ...env }), { migrate: false, poolSize: 1 });
  try {
    const q = db.dataSource;
    const names: { name: string }[] = await q.query(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'migrations' ORDER BY 1`,
    );
    const tables: Record<string, string[]> = {};
    for (const { name } of names) {
      const rows: { j: string }[] = await q.query(`SELECT to_jsonb(x)::text AS j FROM public."${name}" x`);
      tables[name] = rows.map((r) => r.j).sort();
    }
    const seqs: { name: string; value: string | null }[] = await q.query(
      `SELECT sequencename AS name, last_value::text AS value FROM pg_sequences WHERE schemaname = 'public' AND sequencename <> 'migrations_id_seq' ORDER BY 1`,
    );
    const migrations: { name: string }[] = names.length ? await q.query('SELECT name FROM migrations ORDER BY id') : [];
    return { tables, sequences: Object.fromEntries(seqs.map((s) => [s.name, s.value])), migrations: migrations.map((m) => m.name) };
  } finally {
    await db.close();
  }
}

interface ReplyView {
  id: string;
  [k: string]: unknown;
}

/** What each member sees through the API: every story (list and detail) and every reply of each, in order. */
async function apiView(t: TestApp, viewers: Member[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const v of viewers) {
    const get = async (path: string, query: Record<string, string> = {}) => {
      const res = await t.http().get(path).query(query).set('Cookie', v.cookie);
      expect(res.status).toBe(200);
      return res.body;
    };
    const list: { id: string }[] = [];
    for (let cursor: string | null = null; ; ) {
      const page: { items: { id: string }[]; nextCursor: string | null } = await get('/api/threads', { limit: '50', ...(cursor ? { cursor } : {}) });
      list.push(...page.items);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    const stories = [];
    for (const s of list) {
      const replies: ReplyView[] = [];
      for (let after = '0'; ; ) {
        const page: { items: ReplyView[]; nextCursor: string | null } = await get(`/api/threads/${s.id}/replies`, { after, limit: '50' });
        replies.push(...page.items);
        if (!page.nextCursor) break;
        after = page.nextCursor;
      }
      stories.push({ detail: await get(`/api/threads/${s.id}`), replies });
    }
    out[v.username] = { list, stories, drafts: await get('/api/drafts'), me: await get('/api/auth/me') };
  }
  return out;
}

describe('npm run backup / npm run restore', () => {
  let target: Target;
  let files: string;
  let t: TestApp | null = null;
  let before: Awaited<ReturnType<typeof snapshot>>;
  let seen: Record<string, unknown>;
  let members: Member[];
  let gz: string;
  let plain: string;
  let storyIds: string[];
  let maxReplyId = 0n;

  beforeAll(async () => {
    target = await makeTarget();
    files = mkdtempSync(join(tmpdir(), 'setback-backup-files-'));
    gz = join(files, 'nested', 'setback-test.jsonl.gz');
    plain = join(files, 'setback-test.jsonl');
  });
  afterAll(async () => {
    await t?.close();
    await target?.dispose();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it('backs up a database with members, stories (named and anonymous), replies, reactions, a draft and a block', async () => {
    t = await startApp({ ...target.env, SEED_NEW_EMBEDDED: 'false' });
    const [ana, ben, cas, dee, eve] = (members = [await registerMember(t), await registerMember(t), await registerMember(t), await registerMember(t), await registerMember(t)]);
    const named = await createStory(t, ana, { title: 'The launch that fell flat', category: 'business', learned: 'Talk to *users* first — ünïcode ✓' });
    const anon = await createStory(t, ben, { title: 'An anonymous story', category: 'health', anonymous: true, contentWarning: 'illness' });
    const third = await createStory(t, cas, { title: 'A third story', category: 'work' });
    const r: { id: string }[] = [];
    r.push(await createReply(t, ben, named.id, { body: 'Been there. **Thank you** for writing it down.' }));
    r.push(await createReply(t, cas, named.id, { body: 'An anonymous reply, with a pseudonym.', anonymous: true }));
    r.push(await createReply(t, ana, named.id, { body: 'Thank you both.' }));
    r.push(await createReply(t, eve, named.id, { body: 'A reply Ana has blocked.' }));
    r.push(await createReply(t, ben, anon.id, { body: 'The author answers under the story pseudonym.' }));
    r.push(await createReply(t, ana, anon.id, { body: 'Anonymous support.', anonymous: true }));
    r.push(await createReply(t, cas, anon.id, { body: 'Named support.' }));
    r.push(await createReply(t, dee, third.id, { body: 'This one gets edited.' }));
    r.push(await createReply(t, dee, third.id, { body: 'This one gets deleted.' }));
    expect((await t.http().patch(`/api/replies/${r[7].id}`).set('Cookie', dee.cookie).send({ body: 'Edited: with a revision behind it.' })).status).toBe(200);
    expect((await t.http().delete(`/api/replies/${r[8].id}`).set('Cookie', dee.cookie)).status).toBe(204);
    for (const [m, kind] of [[ben, 'relate'], [cas, 'relate'], [dee, 'thanks'], [eve, 'helped']] as const) {
      expect((await t.http().put(`/api/threads/${named.id}/reactions/${kind}`).set('Cookie', m.cookie)).status).toBe(200);
    }
    for (const [m, reply, kind] of [[ana, r[0], 'thanks'], [dee, r[0], 'thanks'], [cas, r[4], 'helped'], [ben, r[5], 'relate']] as const) {
      expect((await t.http().put(`/api/replies/${reply.id}/reactions/${kind}`).set('Cookie', m.cookie)).status).toBe(200);
    }
    expect((await t.http().put('/api/drafts/story-new').set('Cookie', ana.cookie).send({ data: { title: 'Half written', happened: 'Line one\nline "two" ✓', n: 1.5 } })).status).toBe(200);
    expect((await t.http().put(`/api/users/${eve.username}/block`).set('Cookie', ana.cookie)).status).toBeLessThan(300);
    expect((await t.http().post('/api/reports').set('Cookie', dee.cookie).send({ targetType: 'reply', targetId: r[6].id, reason: 'spam' })).status).toBe(201);
    // more rows than one batch (1,000), so the keyset paging of the backup and the batched inserts of the restore are exercised
    const bulk = await createStory(t, dee, { title: 'A story with many replies', category: 'everyday' });
    await t.db.dataSource.query(
      `INSERT INTO replies (thread_id, author_id, body_md, body_html, created_at)
         SELECT $1, $2, 'bulk ' || g, '<p>bulk ' || g || '</p>', now() + g * interval '1 microsecond' FROM generate_series(1, 1234) g`,
      [bulk.id, cas.id],
    );
    await t.db.dataSource.query(`UPDATE threads SET reply_count = reply_count + 1234 WHERE id = $1`, [bulk.id]);
    storyIds = [named.id, anon.id, third.id, bulk.id];

    seen = await apiView(t, [dee, ana]);
    // sanity: what we are about to compare really holds the content
    const deeView = seen[dee.username] as { stories: { detail: { id: string; author: Record<string, unknown> }; replies: ReplyView[] }[] };
    expect(deeView.stories.map((s) => s.detail.id).sort()).toEqual([...storyIds].sort());
    expect(deeView.stories.find((s) => s.detail.id === anon.id)!.detail.author).toEqual({ pseudonym: expect.any(String), isAuthor: true });
    expect(deeView.stories.reduce((n, s) => n + s.replies.length, 0)).toBe(9 + 1234);
    for (const s of deeView.stories) for (const reply of s.replies) if (BigInt(reply.id) > maxReplyId) maxReplyId = BigInt(reply.id);
    await t.close();
    t = null;

    before = await snapshot(target.env);
    expect(before.tables.users).toHaveLength(5);
    expect(before.tables.settings.some((s) => s.includes('app_secret'))).toBe(true);

    const res = await run('backup', [gz], target.env);
    expect(res.output).toMatch(/Backup complete: .*setback-test\.jsonl\.gz/);
    expect(res.code).toBe(0);
    expect(res.output).toMatch(/replies\s+1243 rows/);
    expect(existsSync(gz)).toBe(true);
    expect(existsSync(`${gz}.partial`)).toBe(false);
    const res2 = await run('backup', [plain], target.env);
    expect(res2.code).toBe(0);
    const lines = readFileSync(plain, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0])).toMatchObject({ format: 'setback-backup', version: 1, migrations: before.migrations });
    expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ end: true, counts: { users: 5, threads: 4, replies: 1243 } });
    // generated columns are computed again on restore, never stored
    expect(lines.find((l) => l.startsWith('{"table":"threads"'))).not.toContain('"search"');
  }, 180_000);

  it('refuses to restore over a database that has content unless --force is given', async () => {
    const res = await run('restore', [gz], target.env);
    expect(res.code).toBe(1);
    expect(res.output).toMatch(/already holds 5 members; nothing was restored.*--force/s);
    expect(await snapshot(target.env)).toEqual(before);
  }, 60_000);

  it('refuses a truncated backup with a clear message and leaves the database untouched', async () => {
    await target.wipe();
    const cutGz = join(files, 'cut.jsonl.gz');
    const whole = readFileSync(gz);
    writeFileSync(cutGz, whole.subarray(0, Math.floor(whole.length / 2)));
    const cutPlain = join(files, 'cut.jsonl');
    const lines = readFileSync(plain, 'utf8').split('\n');
    writeFileSync(cutPlain, `${lines.slice(0, lines.length - 2).join('\n')}\n`); // without the end marker
    const midLine = join(files, 'mid.jsonl');
    const text = readFileSync(plain, 'utf8');
    writeFileSync(midLine, text.slice(0, Math.floor(text.length * 0.7))); // stops inside a row

    for (const file of [cutGz, cutPlain, midLine]) {
      const res = await run('restore', [file], target.env);
      expect(res.code).toBe(1);
      expect(res.output).toMatch(/is not a complete Setback backup: .*truncated.*nothing was restored/);
      expect(res.output).not.toMatch(/\n\s+at /); // a message, not a stack trace
    }
    const empty = await snapshot(target.env);
    expect(empty.migrations).toEqual([]);
    expect(Object.keys(empty.tables)).toEqual([]);
  }, 60_000);

  it('restores into the empty database: every story and reply intact, pseudonyms identical, new ids continue after the restored ones', async () => {
    const res = await run('restore', [gz], target.env);
    expect(res.output).toMatch(/Restore complete: \d+ rows in \d+ tables/);
    expect(res.code).toBe(0);
    expect(await snapshot(target.env)).toEqual(before);

    t = await startApp({ ...target.env, SEED_NEW_EMBEDDED: 'false' });
    const [ana, , cas, dee] = members;
    // the same cookies work (sessions were restored) and see exactly what they saw before
    expect(await apiView(t, [dee, ana])).toEqual(seen);
    const anaView = seen[ana.username] as { stories: { replies: ReplyView[] }[] };
    expect(anaView.stories.flatMap((s) => s.replies).some((r) => (r.bodyHtml as string | undefined)?.includes('Ana has blocked'))).toBe(false);

    const fresh = await createReply(t, cas, storyIds[0], { body: 'Written after the restore.' });
    expect(BigInt(fresh.id)).toBeGreaterThan(maxReplyId);
    // a fresh member can still sign up (the unique indexes and the generated columns came back)
    await registerMember(t);
    await t.close();
    t = null;
  }, 180_000);

  it('restore --force wipes the current content and puts the backup back', async () => {
    const res = await run('restore', [plain, '--force'], target.env);
    expect(res.output).toMatch(/--force: wiping the 6 members/);
    expect(res.code).toBe(0);
    expect(await snapshot(target.env)).toEqual(before);
  }, 120_000);
});
