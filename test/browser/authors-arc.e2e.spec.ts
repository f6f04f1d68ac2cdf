import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { RemindersService } from '../../src/arc/reminders.service.js';
import { registerMember } from '../support/app.js';
import { BrowserHarness, requireBrowser, seriousViolations } from '../support/browser.js';
import { createReply, createStory } from '../support/factories.js';

const ok = requireBrowser('browser: the author\'s arc');
jest.setTimeout(120_000);

async function openStory(page: Page, id: string, title: string): Promise<void> {
  await page.goto(`/stories/${id}`);
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
  await page.locator('.replies[aria-busy="false"]').waitFor();
}

// A story is not finished when it is posted: its author adds what happened next, and marks what helped them most.
(ok ? describe : describe.skip)('browser: the author\'s arc', () => {
  const b = new BrowserHarness();
  beforeAll(() => b.start(), 90_000);
  afterAll(() => b.stop(), 60_000);
  afterEach(() => b.finish(), 60_000);

  it('the author adds a follow-up and a reminder; a reader sees it arrive live, dated "N months later" under the author', async () => {
    const ann = await registerMember(b.app);
    const bob = await registerMember(b.app);
    const story = await createStory(b.app, ann, { title: 'The café I had to close' });
    // the story was shared three months and a bit ago
    await b.app.db.dataSource.query(`UPDATE threads SET created_at = now() - interval '3 months 2 days' WHERE id = $1`, [story.id]);
    const author = await b.page('ann', ann, { bypassCSP: true }); // axe is injected as a script at the end
    const reader = await b.page('bob', bob, { bypassCSP: true });
    await openStory(author, story.id, 'The café I had to close');
    await openStory(reader, story.id, 'The café I had to close');
    // nothing to show a reader yet; the author has the form
    await expect(reader.getByRole('heading', { name: 'What happened next' }).count()).resolves.toBe(0);

    const box = author.getByLabel('Add a follow-up: how are things now?');
    await author.getByRole('button', { name: 'Add follow-up' }).click();
    await author.getByText('Write a few words first.').first().waitFor();
    await box.fill('I work in a bakery now, and I **love** it.');
    await author.getByRole('button', { name: 'Add follow-up' }).click();
    const mine = author.locator('.follow-up', { hasText: 'I work in a bakery now' });
    await mine.getByRole('heading', { name: 'Three months later' }).waitFor();
    await expect(box.inputValue()).resolves.toBe('');

    // live, to the reader: in order, under the author's name
    const theirs = reader.locator('.follow-up', { hasText: 'I work in a bakery now' });
    await theirs.getByRole('heading', { name: 'Three months later' }).waitFor();
    await expect(theirs.locator('.follow-up-meta').textContent()).resolves.toContain(ann.username);
    await expect(theirs.locator('strong').textContent()).resolves.toBe('love');
    await expect(reader.getByLabel('Add a follow-up: how are things now?').count()).resolves.toBe(0);

    // the private reminder: only the author has the choice, and it is kept
    await expect(reader.getByLabel('Remind me to add a follow-up').count()).resolves.toBe(0);
    await author.getByLabel('Remind me to add a follow-up').selectOption('3');
    await author.getByText(/We will remind you on /).waitFor();
    const [row] = await b.app.db.dataSource.query(`SELECT in_months FROM follow_up_reminders WHERE thread_id = $1 AND fired_at IS NULL`, [story.id]);
    expect(row.in_months).toBe(3);
    await openStory(author, story.id, 'The café I had to close');
    await expect(author.getByLabel('Remind me to add a follow-up').inputValue()).resolves.toBe('3');
    await author.getByLabel('Remind me to add a follow-up').selectOption('');
    await author.getByText('No reminder set.').waitFor();

    expect(await seriousViolations([{ page: reader, path: `/stories/${story.id}`, ready: '.follow-up' }, { page: author, path: `/stories/${story.id}`, ready: '.follow-up-form' }])).toEqual([]);
  });

  it('the reminder, when due, is a notification that opens the story at the follow-up form', async () => {
    const ann = await registerMember(b.app);
    const story = await createStory(b.app, ann, { title: 'The marathon I did not finish' });
    const put = await b.app.http().put(`/api/threads/${story.id}/reminder`).set('Cookie', ann.cookie).send({ inMonths: 3 });
    expect(put.status).toBe(200);
    const page = await b.page('ann', ann);
    await page.goto('/notifications');
    await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    // the months pass (the test's clock), and an instance polls
    await b.app.db.dataSource.query(`UPDATE follow_up_reminders SET due_at = now() - interval '1 minute' WHERE thread_id = $1`, [story.id]);
    await b.app.app.get(RemindersService).runDue();
    // it arrives live, and leads to the form
    const link = page.getByRole('link', { name: 'It has been three months since you shared “The marathon I did not finish” — would you like to add how things are now?' });
    await link.click();
    await page.getByRole('heading', { name: 'The marathon I did not finish', level: 1 }).waitFor();
    // the form has the focus, ready to type in
    await page.waitForFunction(`document.activeElement !== null && document.activeElement.closest('#add-follow-up') !== null && document.activeElement.tagName === 'TEXTAREA'`);
    await page.keyboard.type('Still running, slower and happier.');
    await page.getByRole('button', { name: 'Add follow-up' }).click();
    await page.locator('.follow-up', { hasText: 'Still running, slower and happier.' }).waitFor();
  });

  it('the author marks the reply that helped them most: it shows at the top, its writer sees it live and is told', async () => {
    const ann = await registerMember(b.app);
    const bob = await registerMember(b.app);
    const cat = await registerMember(b.app);
    const story = await createStory(b.app, ann, { title: 'The exam I failed twice' });
    const helpful = await createReply(b.app, bob, story.id, { body: 'Write down what you know before you start.' });
    await createReply(b.app, cat, story.id, { body: 'Sending you strength.' });
    const author = await b.page('ann', ann);
    const writer = await b.page('bob', bob);
    await openStory(author, story.id, 'The exam I failed twice');
    await openStory(writer, story.id, 'The exam I failed twice');
    // only the author has the button
    await expect(writer.getByRole('button', { name: /This helped me most/ }).count()).resolves.toBe(0);

    const button = author.locator(`#reply-${helpful.id}`).getByRole('button', { name: /This helped me most/ });
    await button.click();
    await author.locator(`#reply-${helpful.id}`).getByRole('button', { name: /This helped me most/, pressed: true }).waitFor();
    await author.locator(`#reply-${helpful.id}`).getByText('Helped the author most').waitFor();
    const top = author.locator('.helped-most');
    await top.getByRole('heading', { name: 'What helped you most' }).waitFor();
    await expect(top.textContent()).resolves.toContain('Write down what you know before you start.');
    // the section comes before the replies
    expect(await author.evaluate(`(() => {
      const helped = document.querySelector('.helped-most');
      const replies = document.querySelector('.replies');
      return Boolean(helped && replies && helped.compareDocumentPosition(replies) & Node.DOCUMENT_POSITION_FOLLOWING);
    })()`)).toBe(true);

    // live to the reply's writer, with the author named as the story names them
    await writer.locator('.helped-most').getByRole('heading', { name: `What helped ${ann.username} most` }).waitFor();
    await writer.locator(`#reply-${helpful.id}`).getByText('Helped the author most').waitFor();
    const told = await b.app.http().get('/api/notifications').set('Cookie', bob.cookie);
    expect(told.body.items.filter((n: { kind: string; threadId: string }) => n.kind === 'highlighted' && n.threadId === story.id)).toHaveLength(1);

    // and unmarked again
    await author.locator(`#reply-${helpful.id}`).getByRole('button', { name: /This helped me most/, pressed: true }).click();
    await author.locator(`#reply-${helpful.id}`).getByRole('button', { name: /This helped me most/, pressed: false }).waitFor();
    await expect(author.locator('.helped-most').isHidden()).resolves.toBe(true);
    await writer.locator('.helped-most').waitFor({ state: 'hidden' });
  });
});
