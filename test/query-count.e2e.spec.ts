import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Logger, QueryRunner } from 'typeorm';
import { Member, registerMember, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';

describe('list requests', () => {
  let t: TestApp;
  let m: Member;
  let count = 0;
  beforeAll(async () => {
    t = await startApp();
    m = await registerMember(t);
    const counting: Partial<Logger> = {
      logQuery: (_q: string, _p?: unknown[], _r?: QueryRunner) => void count++,
      logQueryError: () => undefined,
      logQuerySlow: () => undefined,
      logSchemaBuild: () => undefined,
      logMigration: () => undefined,
      log: () => undefined,
    };
    // every query TypeORM sends passes through its logger: counting there catches N+1s whatever their source
    Object.assign(t.db.dataSource, { logger: counting });
  });
  afterAll(async () => {
    await t.close();
  });

  // the replies made above leave work behind (their outbox rows: notifications), which would be counted too: wait
  // for the outbox to empty, and take the fewer of two counts, since such work can only add to a count
  const queriesFor = async (path: string): Promise<number> => {
    for (let i = 0; i < 200; i++) {
      const [{ n }]: { n: number }[] = await t.db.dataSource.query('SELECT count(*)::int AS n FROM outbox');
      if (n === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const counts: number[] = [];
    for (let i = 0; i < 2; i++) {
      count = 0;
      const res = await t.http().get(path).set('Cookie', m.cookie);
      expect(res.status).toBe(200);
      counts.push(count);
    }
    return Math.min(...counts);
  };

  it('costs the same number of queries for a page of 2 and of 40 stories and replies', async () => {
    const authors = [m, await registerMember(t), await registerMember(t)];
    const stories = [];
    for (let i = 0; i < 40; i++) stories.push(await createStory(t, authors[i % 3], { category: 'everyday', anonymous: i % 2 === 0 }));
    for (let i = 0; i < 40; i++) await createReply(t, authors[i % 3], stories[0].id, { anonymous: i % 4 === 0 });
    await t.http().put(`/api/threads/${stories[1].id}/reactions/relate`).set('Cookie', m.cookie);

    const small = await queriesFor('/api/threads?category=everyday&limit=2');
    const large = await queriesFor('/api/threads?category=everyday&limit=40');
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(2); // the session lookup and the page itself
    const searchSmall = await queriesFor('/api/threads?q=interview&limit=2');
    const searchLarge = await queriesFor('/api/threads?q=interview&limit=40');
    expect(searchLarge).toBe(searchSmall);

    const repliesSmall = await queriesFor(`/api/threads/${stories[0].id}/replies?limit=2`);
    const repliesLarge = await queriesFor(`/api/threads/${stories[0].id}/replies?limit=40`);
    expect(repliesLarge).toBe(repliesSmall);
    expect(repliesLarge).toBeLessThanOrEqual(2); // the session, then the story's read rule and the page in one statement
  });

  it('reads a story, and a story with its first page of replies, in one statement after the session', async () => {
    const author = await registerMember(t);
    const story = await createStory(t, author, { category: 'work' });
    for (let i = 0; i < 3; i++) await createReply(t, m, story.id);
    // the author's arc too (a follow-up, a highlighted reply): its columns join the story's statement
    const followUp = await t.http().post(`/api/threads/${story.id}/follow-ups`).set('Cookie', author.cookie).send({ body: 'A month later: it got better.' });
    expect(followUp.status).toBe(201);
    const page = await t.http().get(`/api/threads/${story.id}?include=replies&limit=2`).set('Cookie', m.cookie);
    expect(page.body.followUps).toHaveLength(1);
    expect(page.body.replies.items).toHaveLength(2);

    expect(await queriesFor(`/api/threads/${story.id}`)).toBe(2);
    expect(await queriesFor(`/api/threads/${story.id}?include=replies&limit=2`)).toBe(2);
  });
});
