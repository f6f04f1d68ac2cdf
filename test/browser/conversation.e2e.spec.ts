import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { registerMember } from '../support/app.js';
import { BrowserHarness, requireBrowser } from '../support/browser.js';
import { createReply, createStory } from '../support/factories.js';

const ok = requireBrowser('browser: conversation');
jest.setTimeout(120_000);

/** Opens a story and waits until its replies are loaded and the live connection has joined it. */
async function openStory(page: Page, id: string, title: string): Promise<void> {
  await page.goto(`/stories/${id}`);
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
  await page.locator('.replies[aria-busy="false"]').waitFor();
  await page.locator('.live-status[data-state="online"]').waitFor();
  await page.locator('.presence:not([hidden])').waitFor();
}

/** The "Me too" count on the story's own reaction bar. */
const storyMeToo = (page: Page) => page.locator('[data-target="thread"] .reaction-relate .count');

(ok ? describe : describe.skip)('browser: conversation', () => {
  const b = new BrowserHarness();
  beforeAll(() => b.start(), 90_000);
  afterAll(() => b.stop(), 60_000);
  afterEach(() => b.finish(), 60_000);

  it("counts another reader's reaction live, once on each screen", async () => {
    const ann = await registerMember(b.app);
    const bob = await registerMember(b.app);
    const story = await createStory(b.app, ann, { title: 'The marathon I did not finish' });
    const reply = await createReply(b.app, ann, story.id, { body: 'Thank you all for reading.' });
    const a = await b.page('a', ann);
    const bp = await b.page('b', bob);
    await openStory(a, story.id, story.title as string);
    await openStory(bp, story.id, story.title as string);
    await a.locator('.presence', { hasText: '2 reading' }).waitFor();
    await expect(storyMeToo(a).textContent()).resolves.toMatch(/0$/);

    const answered = bp.waitForResponse((r) => r.url().endsWith(`/api/threads/${story.id}/reactions/relate`) && r.request().method() === 'PUT');
    await bp.locator('[data-target="thread"] .reaction-relate').click();
    expect((await answered).status()).toBe(200);
    await a.locator('[data-target="thread"] .reaction-relate .count', { hasText: '1' }).waitFor();
    // and on a reply, through the same event
    await bp.locator(`#reply-${reply.id} .reaction-thanks`).click();
    await a.locator(`#reply-${reply.id} .reaction-thanks .count`, { hasText: '1' }).waitFor();
    // the reader who reacted counted it once (from their own answer, not again from the push)
    await expect(storyMeToo(bp).textContent()).resolves.toMatch(/(^|\D)1$/);
    await expect(bp.locator(`#reply-${reply.id} .reaction-thanks .count`).textContent()).resolves.toMatch(/(^|\D)1$/);
    await expect(storyMeToo(a).textContent()).resolves.toMatch(/(^|\D)1$/);
    await expect(bp.locator('[data-target="thread"] .reaction-relate').getAttribute('aria-pressed')).resolves.toBe('true');
    await expect(a.locator('[data-target="thread"] .reaction-relate').getAttribute('aria-pressed')).resolves.toBe('false');
  });

  it('answers a reply: the new reply quotes it, linking to it, on both screens', async () => {
    const ann = await registerMember(b.app);
    const bob = await registerMember(b.app);
    const story = await createStory(b.app, ann, { title: 'The shop that never opened' });
    const first = await createReply(b.app, bob, story.id, { body: 'I lost my savings the same way.' });
    const a = await b.page('a', ann);
    const bp = await b.page('b', bob);
    await openStory(a, story.id, story.title as string);
    await openStory(bp, story.id, story.title as string);

    await a.getByRole('button', { name: `Reply to ${bob.username}` }).click();
    await a.locator('.replying-to', { hasText: `Replying to ${bob.username}` }).waitFor();
    await expect(a.getByLabel('Your reply').evaluate((el) => el === (el as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement)).resolves.toBe(true);
    await a.keyboard.type('Thank you for telling me.');
    const posted = a.waitForResponse((r) => r.url().endsWith(`/api/threads/${story.id}/replies`) && r.request().method() === 'POST');
    await a.getByRole('button', { name: 'Reply', exact: true }).click();
    const response = await posted;
    expect(response.status()).toBe(201);
    const { id, replyTo } = (await response.json()) as { id: string; replyTo: { id: string } };
    expect(replyTo.id).toBe(first.id);
    await expect(a.locator('.replying-to').isHidden()).resolves.toBe(true);

    for (const page of [a, bp]) {
      const quote = page.locator(`#reply-${id} .reply-quote`);
      await quote.waitFor();
      await expect(quote.textContent()).resolves.toContain(`In reply to ${bob.username}`);
      await expect(quote.textContent()).resolves.toContain('I lost my savings the same way.');
      await expect(quote.getAttribute('href')).resolves.toBe(`#reply-${first.id}`);
    }
    // the person answered is told, live, in words
    await bp.locator('.badge-count:not(.badge-alert):not([hidden])', { hasText: '1' }).waitFor();
    await bp.goto('/notifications');
    await bp.getByText(`${ann.username} replied to you in "${story.title as string}"`).waitFor();
    // the answered reply deleted: its words leave the quote on the open page too
    expect((await b.app.http().delete(`/api/replies/${first.id}`).set('Cookie', bob.cookie)).status).toBe(204);
    await a.locator(`#reply-${id} .reply-quote`, { hasText: 'In reply to a reply that is no longer shown' }).waitFor();
    await expect(a.locator(`#reply-${id} .reply-quote`).textContent()).resolves.not.toContain('savings');
  });
});
