import { createHash, randomBytes } from 'node:crypto';
import { hashPassword } from '../../src/auth/passwords.js';
import { excerptFromMarkdown, renderMarkdown } from '../../src/common/markdown.js';
import { usernameSkeleton } from '../../src/users/username-skeleton.js';
import { log } from './log.js';
import type { Sql } from './target.js';

export interface Account {
  id: string;
  username: string;
  /** `setback_session=<token>`, ready for a Cookie header. */
  cookie: string;
}

export interface Seeded {
  readers: Account[];
  writers: Account[];
  fanoutWriter: Account;
  author: Account;
  readThreadId: string;
  writeThreadId: string;
  fanoutThreadId: string;
  depthThreadId: string | null;
  /** Id of the 99,900th reply of the deep thread. */
  depthAfterId: string | null;
  depthReplies: number;
  searchWord: string;
  searchStories: number;
  searchMatches: number | null;
  seconds: number;
}

export const READ_THREAD_REPLIES = 100;
export const DEPTH_REPLIES = 100_000;
export const DEPTH_AFTER_INDEX = 99_900;
export const SEARCH_STORIES = 20_000;
const CHUNK = 10_000;

/** Topic words of the search corpus; each story uses four, so each word is in about 1 story in 30. The first is searched. */
const TOPICS = `interview exam startup marriage marathon promotion deadline audition novel bakery mortgage diploma
  surgery garden recital thesis pitch contract wedding driving license semester layoff podcast restaurant
  apprenticeship internship scholarship tournament election exhibition concert album manuscript prototype invoice
  budget loan lease landlord roommate friendship sibling parenting divorce breakup reunion retirement pension
  diagnosis therapy recovery injury rehab diet insomnia anxiety burnout sabbatical volunteering fundraiser charity
  campaign launch release merger acquisition investor shareholder bankruptcy refund customer supplier warehouse
  shipment delivery factory orchard vineyard harvest greenhouse kitchen recipe festival tour ferry airport visa
  passport relocation emigration language grammar vocabulary pronunciation chess piano violin guitar choir
  painting sculpture pottery photography film screenplay documentary comedy theatre rehearsal costume lighting
  keynote conference workshop seminar lecture tutorial curriculum homework classroom principal dormitory
  certification patent lawsuit verdict hearing probation mentor sponsor cofounder`.split(/\s+/).filter(Boolean);

const HAPPENED = 'I had prepared for months and told everyone it would go well. On the day it fell apart in the first ten minutes, and I walked home feeling that every hour I had put in was wasted. For a while I avoided anyone who knew about it.';
const HANDLED = 'I took a few days off, wrote down what had actually happened rather than what I feared, and asked two friends to read it. Talking it through made it smaller. Then I picked one thing to change and started again, slowly.';
const LEARNED = 'Preparation that nobody sees is fragile. Practising in front of people, early and often, matters more than polishing alone. And a bad day says less about me than it felt like at the time.';
const REPLY = 'Thank you for sharing this. Something very similar happened to me a few years ago, and what helped most was **talking to someone** who had been through it. You are not alone in this; it gets easier. (reply #N)';

const list = (values: string[]): string => values.join(','); // ids, hashes and usernames never contain a comma

/**
 * Seeds the benchmark database directly with SQL (no rate-limited sign-ups): members with live sessions, the
 * threads each measurement needs, a thread of 100,000 replies and 20,000 stories to search.
 */
export async function seed(sql: Sql, opts: { readers: number; depth: boolean; search: boolean }): Promise<Seeded> {
  const started = Date.now();
  const passwordHash = await hashPassword(`bench-${randomBytes(12).toString('hex')}`); // one hash for everybody: nobody signs in
  const names = [
    ...Array.from({ length: opts.readers }, (_, i) => `bench_r${String(i + 1).padStart(4, '0')}`),
    ...Array.from({ length: 10 }, (_, i) => `bench_w${String(i + 1).padStart(2, '0')}`),
    'bench_fanout_writer',
    'bench_author',
  ];
  const users = await sql.query<{ id: string; username: string }>(
    `INSERT INTO users (username, username_key, username_skeleton, password_hash, created_at)
     SELECT n, lower(n), s, $1, now() - interval '90 days' FROM unnest(string_to_array($2::text, ','), string_to_array($3::text, ',')) AS x(n, s)
     RETURNING id::text AS id, username`,
    [passwordHash, list(names), list(names.map(usernameSkeleton))],
  );
  const tokens = users.map(() => randomBytes(32).toString('base64url'));
  const hashes = tokens.map((t) => createHash('sha256').update(t).digest('hex'));
  await sql.query(
    `INSERT INTO sessions (user_id, token_hash, expires_at)
     SELECT u::uuid, h, now() + interval '365 days'
       FROM unnest(string_to_array($1::text, ','), string_to_array($2::text, ',')) AS x(u, h)`,
    [list(users.map((u) => u.id)), list(hashes)],
  );
  const accounts = new Map<string, Account>(users.map((u, i) => [u.username, { id: u.id, username: u.username, cookie: `setback_session=${tokens[i]}` }]));
  const byName = (n: string): Account => accounts.get(n) ?? (() => { throw new Error(`seeded user ${n} is missing`); })();
  const readers = names.filter((n) => n.startsWith('bench_r')).map(byName);
  const writers = names.filter((n) => n.startsWith('bench_w')).map(byName);
  const author = byName('bench_author');
  log(`  ${users.length} members with a session each`);

  const thread = async (title: string): Promise<string> => {
    const rows = await sql.query<{ id: string }>(
      `INSERT INTO threads (author_id, category, title, happened_md, happened_html, handled_md, handled_html, learned_md, learned_html, excerpt)
       VALUES ($1, 'work', $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id::text AS id`,
      [author.id, title, HAPPENED, renderMarkdown(HAPPENED), HANDLED, renderMarkdown(HANDLED), LEARNED, renderMarkdown(LEARNED), excerptFromMarkdown(HAPPENED, 220)],
    );
    return rows[0].id;
  };
  // replies in id order, by readers in turn, one second apart; ids come from the sequence; in chunks, so no
  // single statement runs long on a busy machine
  const replies = async (threadId: string, count: number): Promise<void> => {
    for (let from = 1; from <= count; from += CHUNK) {
      await sql.query(
        `WITH a AS (SELECT array_agg(id ORDER BY username) AS ids, count(*)::int AS n FROM users WHERE username LIKE 'bench\\_r%')
         INSERT INTO replies (thread_id, author_id, body_md, body_html, created_at, updated_at)
         SELECT $1::uuid, a.ids[1 + g % a.n], replace($2::text, '#N', g::text), replace($3::text, '#N', g::text),
                now() - ($4::int - g) * interval '1 second', now() - ($4::int - g) * interval '1 second'
           FROM generate_series($5::int, $6::int) AS g, a
          ORDER BY g`,
        [threadId, REPLY, renderMarkdown(REPLY), count, from, Math.min(count, from + CHUNK - 1)],
      );
    }
  };

  const readThreadId = await thread('Benchmark: the story everyone is reading');
  await replies(readThreadId, READ_THREAD_REPLIES);
  const writeThreadId = await thread('Benchmark: the story everyone answers');
  const fanoutThreadId = await thread('Benchmark: the story read live');

  let depthThreadId: string | null = null;
  let depthAfterId: string | null = null;
  if (opts.depth) {
    const t0 = Date.now();
    depthThreadId = await thread('Benchmark: the story with a hundred thousand replies');
    await replies(depthThreadId, DEPTH_REPLIES);
    const rows = await sql.query<{ id: string }>(`SELECT id::text AS id FROM replies WHERE thread_id = $1 ORDER BY id OFFSET $2 LIMIT 1`, [depthThreadId, DEPTH_AFTER_INDEX - 1]);
    depthAfterId = rows[0].id;
    log(`  a thread of ${DEPTH_REPLIES.toLocaleString('en')} replies (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }

  let searchMatches: number | null = null;
  if (opts.search) {
    const t0 = Date.now();
    const p = (s: string): string => `<p>${s}</p>\n`; // the same shape renderMarkdown gives a plain paragraph
    // generated column `search` fills itself; word choice is a fixed function of g, so every run has the same corpus
    for (let from = 1; from <= SEARCH_STORIES; from += CHUNK / 2) {
      await sql.query(
        `WITH a AS (SELECT array_agg(id ORDER BY username) AS ids, count(*)::int AS n FROM users WHERE username LIKE 'bench\\_r%'),
              c AS (SELECT array_agg(slug ORDER BY position) AS cats FROM categories),
              w AS (SELECT string_to_array($1::text, ',') AS words, $2::int AS nw)
         INSERT INTO threads (author_id, category, title, happened_md, happened_html, handled_md, handled_html, learned_md, learned_html,
                              excerpt, created_at, updated_at, last_activity_at)
         SELECT a.ids[1 + g % a.n], c.cats[1 + g % array_length(c.cats, 1)],
                'When the ' || x.w1 || ' went wrong (' || g || ')',
                'It was about the ' || x.w2 || '. ' || $3::text, replace($4::text, '@W', x.w2),
                'Then came the ' || x.w3 || '. ' || $5::text, replace($6::text, '@W', x.w3),
                'The ' || x.w4 || ' taught me most. ' || $7::text, replace($8::text, '@W', x.w4),
                left('It was about the ' || x.w2 || '. ' || $3::text, 220), x.ts, x.ts, x.ts
           FROM generate_series($9::int, $10::int) AS g, a, c, w,
                LATERAL (SELECT w.words[1 + (g * 7) % w.nw] AS w1, w.words[1 + (g * 13 + 3) % w.nw] AS w2,
                                w.words[1 + (g * 31 + 7) % w.nw] AS w3, w.words[1 + (g * 53 + 11) % w.nw] AS w4,
                                now() - g * interval '1 minute' AS ts) AS x`,
        [
          list(TOPICS),
          TOPICS.length,
          HAPPENED,
          p(`It was about the @W. ${HAPPENED}`),
          HANDLED,
          p(`Then came the @W. ${HANDLED}`),
          LEARNED,
          p(`The @W taught me most. ${LEARNED}`),
          from,
          Math.min(SEARCH_STORIES, from + CHUNK / 2 - 1),
        ],
      );
    }
    const m = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM threads WHERE search @@ websearch_to_tsquery('english', $1)`, [TOPICS[0]]);
    searchMatches = Number(m[0].n);
    log(`  ${SEARCH_STORIES.toLocaleString('en')} stories to search; "${TOPICS[0]}" is in ${searchMatches} of them (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }

  // keep threads.reply_count and answered right, as the app would have
  await sql.query(
    `UPDATE threads t SET reply_count = c.n, answered = c.others > 0, last_activity_at = now()
       FROM (SELECT r.thread_id, count(*)::int AS n, count(*) FILTER (WHERE r.author_id <> x.author_id)::int AS others
               FROM replies r JOIN threads x ON x.id = r.thread_id
              WHERE r.status = 'published' AND r.deleted_at IS NULL AND r.hidden = false GROUP BY r.thread_id) c
      WHERE c.thread_id = t.id`,
  );
  // the steady state autovacuum would reach within a minute on a live server: fresh statistics and visibility map
  for (const table of ['users', 'sessions', 'threads', 'replies']) await sql.query(`VACUUM ANALYZE ${table}`);
  return {
    readers,
    writers,
    fanoutWriter: byName('bench_fanout_writer'),
    author,
    readThreadId,
    writeThreadId,
    fanoutThreadId,
    depthThreadId,
    depthAfterId,
    depthReplies: opts.depth ? DEPTH_REPLIES : 0,
    searchWord: TOPICS[0],
    searchStories: opts.search ? SEARCH_STORIES : 0,
    searchMatches,
    seconds: (Date.now() - started) / 1000,
  };
}
