import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import { Member, registerMember, setRole, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';
import { connect, emitAck } from './support/sockets.js';

/**
 * The read rule's table (src/access/read-rule.spec.ts) checked through every path a reader has: the story read,
 * the replies page, a socket join with `after` (missed) and `since` (changed), and notifications. The paths must
 * agree with the table and with one another, so a path that loses a condition (say, the catch-up forgetting that
 * a held reply is for its author only) fails here.
 */
type Kind = 'member' | 'author' | 'staff' | 'blocker';
const KINDS: Kind[] = ['member', 'author', 'staff', 'blocker'];
type StoryState = 'published' | 'anonymous' | 'pending' | 'rejected' | 'hidden' | 'deleted';
type Outcome = 'full' | 'gone' | 'blocked' | 'absent';

// may open the story: member, author, staff, blocker (the blocker blocked the author)
const STORY_TABLE: [StoryState, boolean[]][] = [
  ['published', [true, true, true, false]],
  ['anonymous', [true, true, true, true]],
  ['pending', [false, true, true, false]],
  ['rejected', [false, true, true, false]],
  ['hidden', [false, false, true, false]],
  ['deleted', [false, false, true, false]],
];

type ReplyState = 'published' | 'anonymous' | 'pending' | 'rejected' | 'hidden' | 'deleted';
// what each viewer's list holds for a reply by the author, in a published story by someone else
const REPLY_TABLE: [ReplyState, Outcome[]][] = [
  ['published', ['full', 'full', 'full', 'blocked']],
  ['anonymous', ['full', 'full', 'full', 'full']],
  ['pending', ['absent', 'full', 'full', 'absent']],
  ['rejected', ['absent', 'full', 'full', 'absent']],
  ['hidden', ['gone', 'gone', 'full', 'gone']],
  ['deleted', ['gone', 'gone', 'full', 'gone']],
];

interface ReplyItem {
  id: string;
  deleted?: boolean;
  blocked?: boolean;
  bodyHtml?: string;
}
const outcome = (item: ReplyItem | undefined): Outcome => (!item ? 'absent' : item.deleted ? 'gone' : item.blocked ? 'blocked' : 'full');

describe('the read rule on every path', () => {
  let t: TestApp;
  let who: Record<Kind, Member>;
  let other: Member;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // a new member's first post waits for review: the way a held reply is made for the notifications check
    t = await startApp({ REVIEW_FIRST_POSTS: '1' });
    who = { member: await registerMember(t), author: await registerMember(t), staff: await registerMember(t), blocker: await registerMember(t) };
    other = await registerMember(t);
    await setRole(t, who.staff.id, 'moderator');
    const sql = t.db.dataSource;
    // let everyone past REVIEW_FIRST_POSTS, then block
    for (const m of [...Object.values(who), other]) {
      const s = await createStory(t, m, { title: 'A first story' });
      await sql.query(`UPDATE threads SET status = 'published' WHERE id = $1`, [s.id]);
    }
    expect((await t.http().put(`/api/users/${who.author.username}/block`).set('Cookie', who.blocker.cookie)).status).toBe(200);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  const open = async (m: Member): Promise<Socket> => {
    const s = await connect(t, m.cookie);
    sockets.push(s);
    return s;
  };

  /** Puts a story or reply into a state the way moderation and deletion would (the rule reads only these columns). */
  async function setState(table: 'threads' | 'replies', id: string, state: StoryState | ReplyState): Promise<void> {
    const set = { published: '', anonymous: '', pending: `status = 'pending'`, rejected: `status = 'rejected'`, hidden: 'hidden = true', deleted: 'deleted_at = now()' }[state];
    if (set) await t.db.dataSource.query(`UPDATE ${table} SET ${set}, updated_at = now() WHERE id = $1`, [id]);
  }

  it.each(STORY_TABLE)('a %s story: REST, the replies page and a socket join agree on who may open it', async (state, opens) => {
    const story = await createStory(t, who.author, { anonymous: state === 'anonymous' });
    await setState('threads', story.id, state);
    for (const [i, kind] of KINDS.entries()) {
      const m = who[kind];
      const read = await t.http().get(`/api/threads/${story.id}`).set('Cookie', m.cookie);
      const page = await t.http().get(`/api/threads/${story.id}/replies`).set('Cookie', m.cookie);
      const join = await emitAck(await open(m), 'thread.join', { threadId: story.id, after: '0' });
      const expected = opens[i] ? 200 : 404;
      expect({ kind, read: read.status, page: page.status, join: join.ok ? 200 : join.error?.code }).toEqual({ kind, read: expected, page: expected, join: opens[i] ? 200 : 'NOT_FOUND' });
    }
  });

  it('replies in every state: the page, the catch-up (`missed` and `changed`) and the table agree for every viewer', async () => {
    const story = await createStory(t, other, { title: 'Where the replies are' });
    const first = await createReply(t, other, story.id, { body: 'The story author opens the conversation.' });
    const since = new Date(Date.now() - 1000).toISOString();
    const ids: Record<string, string> = {};
    for (const [state] of REPLY_TABLE) {
      const r = await createReply(t, who.author, story.id, { body: `A reply that is ${state}.`, anonymous: state === 'anonymous' });
      ids[state] = r.id;
      // every reply is changed after `since`, so each one is a candidate for the catch-up's `changed` list
      await t.db.dataSource.query(`UPDATE replies SET updated_at = now() + interval '1 second' WHERE id = $1`, [r.id]);
      await setState('replies', r.id, state);
    }
    const last = ids[REPLY_TABLE[REPLY_TABLE.length - 1][0]];
    for (const [i, kind] of KINDS.entries()) {
      const m = who[kind];
      const page = (await t.http().get(`/api/threads/${story.id}/replies`).set('Cookie', m.cookie)).body.items as ReplyItem[];
      const socket = await open(m);
      const missed = (await emitAck(socket, 'thread.join', { threadId: story.id, after: first.id })).missed as ReplyItem[];
      const changed = (await emitAck(socket, 'thread.join', { threadId: story.id, after: last, since })).changed as ReplyItem[];
      for (const [state, outcomes] of REPLY_TABLE) {
        const id = ids[state];
        const want = outcomes[i];
        const fromPage = page.find((r) => r.id === id);
        expect({ kind, state, page: outcome(fromPage), missed: outcome(missed.find((r) => r.id === id)), changed: outcome(changed.find((r) => r.id === id)) }).toEqual({
          kind,
          state,
          page: want,
          missed: want,
          changed: want,
        });
        // the same view on every path, and no words where the viewer may only see a placeholder
        expect(missed.find((r) => r.id === id)).toEqual(fromPage);
        expect(changed.find((r) => r.id === id)).toEqual(fromPage);
        if (want !== 'full') expect(JSON.stringify([fromPage, missed, changed])).not.toContain(`A reply that is ${state}.`);
      }
    }
  });

  it('notifications: only a reply every member may read tells anyone, and a block silences only named replies', async () => {
    const story = await createStory(t, who.member, { title: 'Notify me' });
    const newcomer = await registerMember(t); // REVIEW_FIRST_POSTS: their first reply is held
    const held = await createReply(t, newcomer, story.id, { body: `Held, @${who.blocker.username}.` });
    expect(held.status).toBe('pending');
    const named = await createReply(t, who.author, story.id, { body: `Named, @${who.blocker.username}.` });
    const anon = await createReply(t, who.author, story.id, { body: `Anonymous, @${who.blocker.username}.`, anonymous: true });
    // a barrier: the last reply's notifications are written after the earlier ones', so once they exist the others had their turn
    const barrier = await createReply(t, other, story.id, { body: `Barrier, @${who.blocker.username}.` });
    const notes = async (m: Member) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const items = (await t.http().get('/api/notifications').set('Cookie', m.cookie)).body.items as { replyId: string; kind: string }[];
        if (items.some((n) => n.replyId === barrier.id) || Date.now() > deadline) return items.filter((n) => n.replyId).map((n) => `${n.kind}:${n.replyId}`).sort();
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    // the story's author hears of every reply members may read (one notification while unread, with a row per reply
    // in it); the blocker is mentioned in all four but hears only of those they may read in full: not the held one,
    // not the named one of the member they blocked
    expect(await notes(who.member)).toEqual([`reply:${barrier.id}`]);
    const grouped: { reply_id: string }[] = await t.db.dataSource.query(
      `SELECT i.reply_id::text AS reply_id FROM notification_items i JOIN notifications n ON n.id = i.notification_id
        WHERE n.user_id = $1 AND n.thread_id = $2 AND n.kind = 'reply'`,
      [who.member.id, story.id],
    );
    expect(grouped.map((g) => g.reply_id).sort()).toEqual([named.id, anon.id, barrier.id].sort());
    expect(await notes(who.blocker)).toEqual([`mention:${anon.id}`, `mention:${barrier.id}`].sort());
  });
});
