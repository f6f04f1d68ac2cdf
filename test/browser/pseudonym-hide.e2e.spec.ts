import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { registerMember } from '../support/app.js';
import { BrowserHarness, requireBrowser } from '../support/browser.js';
import { createReply, createStory } from '../support/factories.js';

const ok = requireBrowser('browser: hide a pseudonym');
jest.setTimeout(120_000);

async function openStory(page: Page, id: string, title: string): Promise<void> {
  await page.goto(`/stories/${id}`);
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
  await page.locator('.replies[aria-busy="false"]').waitFor();
}

// a block never touches anonymous posts; folding a pseudonym away in one story is what a reader can do instead
(ok ? describe : describe.skip)('browser: hide a pseudonym in a story', () => {
  const b = new BrowserHarness();
  beforeAll(() => b.start(), 90_000);
  afterAll(() => b.stop(), 60_000);
  afterEach(() => b.finish(), 60_000);

  it('folds that pseudonym\'s replies away, remembers it on reload, and shows them again on request', async () => {
    const ann = await registerMember(b.app);
    const bob = await registerMember(b.app);
    const cat = await registerMember(b.app);
    const story = await createStory(b.app, ann, { title: 'The band that broke up' });
    const anon = await createReply(b.app, bob, story.id, { anonymous: true, body: 'You should have seen it coming.' });
    const other = await createReply(b.app, ann, story.id, { body: 'Thank you for reading.' });
    const name = (anon.author as { pseudonym: string }).pseudonym;
    const page = await b.page('cat', cat);
    await openStory(page, story.id, story.title as string);

    const reply = page.locator(`#reply-${anon.id}`);
    await reply.getByRole('button', { name: `Hide ${name} in this story` }).click();
    await reply.getByText(`You hid ${name} in this story.`).waitFor();
    await expect(reply.locator('.reply-body').isHidden()).resolves.toBe(true);
    // nothing else changes, and no block was made (the author's account is never involved)
    await expect(page.locator(`#reply-${other.id} .reply-body`).isVisible()).resolves.toBe(true);
    expect((await b.app.db.dataSource.query('SELECT count(*)::int AS n FROM blocks WHERE blocker_id = $1', [cat.id]))[0].n).toBe(0);

    await openStory(page, story.id, story.title as string);
    await page.locator(`#reply-${anon.id}`).getByText(`You hid ${name} in this story.`).waitFor();
    await page.locator(`#reply-${anon.id}`).getByRole('button', { name: `Show ${name} again` }).click();
    await page.locator(`#reply-${anon.id} .reply-body`, { hasText: 'You should have seen it coming.' }).waitFor();
    await expect(page.locator(`#reply-${anon.id}`).getByText(`You hid ${name} in this story.`).count()).resolves.toBe(0);
  });
});
