import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { randomUUID } from 'node:crypto';
import { replyBlocked, replyListed, replyPublic, storyListed, storyPublic, storyReadable } from './read-rule.js';

/**
 * The read rule as a table, evaluated by PostgreSQL itself (an in-memory embedded one with just the columns the rule
 * reads), so what is pinned here is the very SQL every statement embeds, not a TypeScript copy of it.
 */
type Kind = 'member' | 'author' | 'staff' | 'blocker';
const KINDS: Kind[] = ['member', 'author', 'staff', 'blocker'];

const AUTHOR = randomUUID();
const MEMBER = randomUUID();
const STAFF = randomUUID();
const BLOCKER = randomUUID();
const viewerId: Record<Kind, string> = { member: MEMBER, author: AUTHOR, staff: STAFF, blocker: BLOCKER };

type StoryState = { status: 'published' | 'pending' | 'rejected'; hidden?: boolean; deleted?: boolean; anonymous: boolean };

// [state, may open it: member, author, staff, blocker; in lists: member, author, staff, blocker]
const STORIES: [string, StoryState, boolean[], boolean[]][] = [
  ['published, named', { status: 'published', anonymous: false }, [true, true, true, false], [true, true, true, false]],
  ['published, anonymous', { status: 'published', anonymous: true }, [true, true, true, true], [true, true, true, true]],
  ['held for review, named', { status: 'pending', anonymous: false }, [false, true, true, false], [false, false, false, false]],
  ['held for review, anonymous', { status: 'pending', anonymous: true }, [false, true, true, false], [false, false, false, false]],
  ['rejected', { status: 'rejected', anonymous: false }, [false, true, true, false], [false, false, false, false]],
  ['hidden by a moderator', { status: 'published', hidden: true, anonymous: false }, [false, false, true, false], [false, false, false, false]],
  ['hidden, anonymous', { status: 'published', hidden: true, anonymous: true }, [false, false, true, false], [false, false, false, false]],
  ['deleted by its author', { status: 'published', deleted: true, anonymous: false }, [false, false, true, false], [false, false, false, false]],
  ['deleted, held', { status: 'pending', deleted: true, anonymous: true }, [false, false, true, false], [false, false, false, false]],
];

type ReplyState = { status: 'published' | 'pending' | 'rejected'; hidden?: boolean; deleted?: boolean; anonymous: boolean; byStoryAuthor?: boolean; storyAnonymous?: boolean };

// [state, in the story's list: member, author (of the reply), staff, blocker; shown as "blocked" to the blocker; counted/pushed to all]
const REPLIES: [string, ReplyState, boolean[], boolean, boolean][] = [
  ['published, named', { status: 'published', anonymous: false }, [true, true, true, true], true, true],
  ['published, anonymous', { status: 'published', anonymous: true }, [true, true, true, true], false, true],
  // the author of an anonymous story answers under the story's pseudonym, even if the row says otherwise
  ['by the anonymous story\'s author', { status: 'published', anonymous: false, byStoryAuthor: true, storyAnonymous: true }, [true, true, true, true], false, true],
  ['by a named story\'s author', { status: 'published', anonymous: false, byStoryAuthor: true }, [true, true, true, true], true, true],
  ['held for review', { status: 'pending', anonymous: false }, [false, true, true, false], true, false],
  ['rejected', { status: 'rejected', anonymous: true }, [false, true, true, false], false, false],
  ['hidden', { status: 'published', hidden: true, anonymous: false }, [true, true, true, true], true, false],
  ['deleted', { status: 'published', deleted: true, anonymous: false }, [true, true, true, true], true, false],
];

describe('the read rule', () => {
  let db: PGlite;

  beforeAll(async () => {
    db = new PGlite();
    await db.exec(`
      CREATE TABLE threads (id uuid PRIMARY KEY, author_id uuid NOT NULL, anonymous boolean NOT NULL, status text NOT NULL, hidden boolean NOT NULL, deleted_at timestamptz);
      CREATE TABLE replies (id bigint PRIMARY KEY, thread_id uuid NOT NULL, author_id uuid NOT NULL, anonymous boolean NOT NULL, status text NOT NULL, hidden boolean NOT NULL, deleted_at timestamptz);
      CREATE TABLE blocks (blocker_id uuid NOT NULL, blocked_id uuid NOT NULL);
    `);
    // the blocker blocked the author of every story and reply below
    await db.query('INSERT INTO blocks VALUES ($1, $2)', [BLOCKER, AUTHOR]);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  const insertStory = async (s: StoryState, authorId = AUTHOR): Promise<string> => {
    const id = randomUUID();
    await db.query('INSERT INTO threads VALUES ($1, $2, $3, $4, $5, $6)', [id, authorId, s.anonymous, s.status, !!s.hidden, s.deleted ? new Date() : null]);
    return id;
  };

  const verdict = async (sql: string, params: unknown[]): Promise<boolean> => {
    const { rows } = await db.query<{ v: boolean }>(sql, params);
    return rows[0].v;
  };

  it.each(STORIES)('a story %s: who may open it and whose lists show it', async (_, state, opens, listed) => {
    const id = await insertStory(state);
    for (const [i, kind] of KINDS.entries()) {
      const v = { id: '$2::uuid', staff: '$3::boolean' };
      expect([kind, await verdict(`SELECT ${storyReadable('t', v)} AS v FROM threads t WHERE t.id = $1`, [id, viewerId[kind], kind === 'staff'])]).toEqual([kind, opens[i]]);
      expect([kind, await verdict(`SELECT ${storyListed('t', '$2::uuid')} AS v FROM threads t WHERE t.id = $1`, [id, viewerId[kind]])]).toEqual([kind, listed[i]]);
    }
    expect(await verdict(`SELECT ${storyPublic('t')} AS v FROM threads t WHERE t.id = $1`, [id])).toBe(listed[0]);
  });

  it.each(REPLIES)('a reply %s: whose lists hold it, whether the blocker sees a placeholder, whether everyone sees it', async (_, state, listed, blocked, everyone) => {
    const replier = state.byStoryAuthor ? AUTHOR : randomUUID();
    // the story's author is someone else (unless the reply is theirs); the blocker blocked the replier
    const threadId = await insertStory({ status: 'published', anonymous: !!state.storyAnonymous }, state.byStoryAuthor ? AUTHOR : randomUUID());
    await db.query('INSERT INTO blocks VALUES ($1, $2)', [BLOCKER, replier]);
    const id = Math.floor(Math.random() * 1e12);
    await db.query('INSERT INTO replies VALUES ($1, $2, $3, $4, $5, $6, $7)', [id, threadId, replier, state.anonymous, state.status, !!state.hidden, state.deleted ? new Date() : null]);
    const replyViewer: Record<Kind, string> = { ...viewerId, author: replier };
    for (const [i, kind] of KINDS.entries()) {
      const sql = `SELECT ${replyListed('r', { id: '$2::uuid', staff: '$3::boolean' })} AS v FROM replies r WHERE r.id = $1`;
      expect([kind, await verdict(sql, [id, replyViewer[kind], kind === 'staff'])]).toEqual([kind, listed[i]]);
    }
    const blockedSql = `SELECT ${replyBlocked('r', 't', '$2::uuid')} AS v FROM replies r JOIN threads t ON t.id = r.thread_id WHERE r.id = $1`;
    expect(await verdict(blockedSql, [id, BLOCKER])).toBe(blocked);
    expect(await verdict(blockedSql, [id, MEMBER])).toBe(false);
    expect(await verdict(`SELECT ${replyPublic('r')} AS v FROM replies r WHERE r.id = $1`, [id])).toBe(everyone);
  });
});
