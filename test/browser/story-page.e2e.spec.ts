import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { registerMember } from '../support/app.js';
import { BrowserHarness, requireBrowser } from '../support/browser.js';
import { createReply, createStory } from '../support/factories.js';

const ok = requireBrowser('browser: a story in one request');
jest.setTimeout(120_000);

/** The ids of the replies on screen, in DOM order. */
const replyIds = (page: Page) => page.locator('.reply-list > li').evaluateAll((els) => els.map((el) => el.getAttribute('data-reply-id') ?? ''));

(ok ? describe : describe.skip)('browser: a story in one request', () => {
  const b = new BrowserHarness();
  beforeAll(() => b.start(), 90_000);
  afterAll(() => b.stop(), 60_000);
  afterEach(() => b.finish(), 60_000);

  it('opens a story with one request for the story and its first page of replies, then pages the rest after it', async () => {
    const ann = await registerMember(b.app);
    const bob = await registerMember(b.app);
    const story = await createStory(b.app, ann, { title: 'Fifty-three replies, one request' });
    const first = await createReply(b.app, bob, story.id, { body: 'The first reply, written through the API.' });
    // more than a page (50): the rest comes from the replies page, after the last reply the story brought
    await b.app.db.dataSource.query(
      `INSERT INTO replies (thread_id, author_id, body_md, body_html) SELECT $1, $2, 'r' || g, '<p>r' || g || '</p>' FROM generate_series(1, 52) g`,
      [story.id, bob.id],
    );
    const rows: { id: string }[] = await b.app.db.dataSource.query('SELECT r.id::text AS id FROM replies r WHERE r.thread_id = $1 ORDER BY r.id', [story.id]);
    expect(rows[0].id).toBe(first.id);

    const page = await b.page('ann', await b.context(ann));
    const asked: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith(`/api/threads/${story.id}`)) asked.push(`${url.pathname.slice(`/api/threads/${story.id}`.length) || '/'}${url.search}`);
    });
    await page.goto(`/stories/${story.id}`);
    await page.getByRole('heading', { name: story.title as string, level: 1 }).waitFor();
    await page.locator('.replies[aria-busy="false"]').waitFor();
    await page.locator(`#reply-${rows[rows.length - 1].id}`).waitFor();

    expect(await replyIds(page)).toEqual(rows.map((r) => r.id));
    // the story's own request brought the first 50; the one page request asks only for what came after them (other
    // requests of the screen, such as the reader's hidden pseudonyms, are not about the story and its replies)
    expect(asked.filter((a) => a.startsWith('/?') || a === '/' || a.startsWith('/replies'))).toEqual(['/?include=replies&limit=50', `/replies?after=${rows[49].id}&limit=50`]);
  });
});
