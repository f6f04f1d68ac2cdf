import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { registerMember, setRole } from '../support/app.js';
import { BrowserHarness, focused, requireBrowser, runAxe, SCREENSHOT_DIR, seriousViolations } from '../support/browser.js';
import { createStory } from '../support/factories.js';

const ok = requireBrowser('browser: reply mode');
jest.setTimeout(150_000);

async function openStory(page: Page, id: string, title: string): Promise<void> {
  await page.goto(`/stories/${id}`);
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
  await page.locator('.replies[aria-busy="false"]').waitFor();
}

/** Types into the reply box and waits for the check the pause in typing sends (the barrier for "no nudge"). */
async function typeAndWaitForCheck(page: Page, text: string): Promise<void> {
  const checked = page.waitForResponse((r) => r.url().endsWith('/replies/check') && r.request().method() === 'POST');
  await page.getByLabel('Your reply').fill(text);
  const res = await checked;
  expect(res.status()).toBe(200);
}

// "Just listening" or "Advice welcome": chosen when posting, shown by the reply box, and a kind nudge when a reply
// reads as advice in a story whose author asked people to just listen — a nudge that never stops the reply.
(ok ? describe : describe.skip)('browser: reply mode', () => {
  const b = new BrowserHarness();
  beforeAll(() => b.start(), 90_000);
  afterAll(() => b.stop(), 60_000);
  afterEach(() => b.finish(), 60_000);

  it('the author asks people to just listen; a reader is nudged kindly, still sends, and the author can report it or change the mode', async () => {
    const ann = await registerMember(b.app);
    const bob = await registerMember(b.app);
    const author = await b.page('ann', ann, { bypassCSP: true }); // axe is injected as a script at the end
    await author.goto('/stories/new');
    await author.getByRole('heading', { name: 'Write a story', level: 1 }).waitFor();
    await author.getByLabel('Title').fill('The promotion that went to someone else');
    const category = author.getByLabel('Category');
    await category.locator('option:not([value=""])').first().waitFor({ state: 'attached' });
    await category.selectOption((await category.locator('option:not([value=""])').first().getAttribute('value'))!);
    await author.getByLabel('What happened?').fill('I was told for a year that the role was mine, and then it was not.');
    // the choice is a radio group, each explained in one line; advice is the default, chosen from the keyboard
    const group = author.getByRole('group', { name: 'How would you like people to reply?' });
    await expect(group.getByRole('radio', { name: 'Advice welcome' }).isChecked()).resolves.toBe(true);
    await group.getByRole('radio', { name: 'Advice welcome' }).focus();
    await author.keyboard.press('ArrowUp');
    await expect(group.getByRole('radio', { name: 'Just listening' }).isChecked()).resolves.toBe(true);
    expect((await focused(author)).label).toBe('Just listening');
    await expect(group.getByText('You would like people to hear you out and share what they relate to, without advice.').isVisible()).resolves.toBe(true);
    await author.getByRole('button', { name: 'Publish story' }).click();
    await author.waitForURL(/\/stories\/[0-9a-f-]{36}$/);
    const storyId = author.url().split('/').pop()!;
    await author.locator('.replies[aria-busy="false"]').waitFor();
    await author.getByTestId('reply-mode-line').getByText('You asked people to just listen.').waitFor();

    // the reader sees the author's wish by the reply box
    const reader = await b.page('bob', bob, { bypassCSP: true });
    await openStory(reader, storyId, 'The promotion that went to someone else');
    await reader.getByTestId('reply-mode-line').getByText(`${ann.username} would like people to just listen.`).waitFor();
    await expect(reader.getByTestId('reply-mode-line').getByRole('button').isVisible()).resolves.toBe(false);

    // words that listen: no nudge (the check's answer is the barrier)
    await typeAndWaitForCheck(reader, 'That sounds so unfair. I am sorry it happened after a whole year of waiting.');
    await expect(reader.locator('.reply-nudge').count()).resolves.toBe(0);

    // advice, as the reader pauses: one kind nudge, read out politely, and Send stays as it was
    await typeAndWaitForCheck(reader, 'You should ask your manager for feedback. Have you tried looking elsewhere?');
    const nudge = reader.locator('.reply-check .reply-nudge');
    await nudge.waitFor();
    await expect(nudge.textContent()).resolves.toMatch(/reflect back what you heard/);
    await expect(nudge.textContent()).resolves.toContain('“you should”');
    await expect(reader.getByTestId('reply-check').getAttribute('aria-live')).resolves.toBe('polite');
    const send = reader.getByRole('button', { name: 'Reply', exact: true });
    await expect(send.isEnabled()).resolves.toBe(true);
    await expect(send.getAttribute('aria-disabled')).resolves.toBeNull();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await reader.locator('form.reply-form').screenshot({ path: join(SCREENSHOT_DIR, 'reply-mode-nudge.png') });
    // no serious accessibility problem with the nudge showing, light and dark
    for (const scheme of ['light', 'dark'] as const) {
      await reader.emulateMedia({ colorScheme: scheme });
      const serious = (await runAxe(reader)).filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${scheme}: ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      expect(serious).toEqual([]);
    }

    // the nudge never blocks: the reply is sent as it is, and the nudge goes with the words
    await send.click();
    const sent = reader.locator('.reply', { hasText: 'You should ask your manager for feedback.' });
    await sent.waitFor();
    await expect(reader.getByLabel('Your reply').inputValue()).resolves.toBe('');
    await expect(reader.locator('.reply-nudge').count()).resolves.toBe(0);
    const [stored] = await b.app.db.dataSource.query(`SELECT id::text AS id FROM replies WHERE thread_id = $1 AND author_id = $2`, [storyId, bob.id]);

    // the author may report it as ignoring their wish, a reason only they have
    const theirs = author.locator(`#reply-${stored.id}`);
    await theirs.waitFor();
    await theirs.getByRole('button', { name: /Report/ }).click();
    await author.getByRole('radio', { name: 'Ignored that I asked people to just listen' }).check();
    await author.getByRole('button', { name: 'Send report' }).click();
    await author.getByText('Thank you. A moderator will look at it soon.').waitFor();
    const [report] = await b.app.db.dataSource.query(`SELECT reason FROM reports WHERE target_type = 'reply' AND target_id = $1`, [stored.id]);
    expect(report.reason).toBe('ignored_reply_mode');

    // moderators read it with its own label among the grouped reports (paged: other files report too)
    const cat = await registerMember(b.app);
    await setRole(b.app, cat.id, 'moderator');
    const mod = await b.page('cat', cat, { bypassCSP: true }); // waitForFunction evaluates its predicate with eval, which the page's CSP refuses
    await mod.goto('/mod/reports');
    const card = mod.locator(`li[data-target="reply:${stored.id}"]`);
    const more = mod.getByRole('button', { name: 'Load more reports' });
    const settled = () => mod.waitForFunction('!document.querySelector(".mod-list") || document.querySelector(".mod-list").parentElement.getAttribute("aria-busy") === "false"');
    await mod.locator('.mod-item').first().waitFor();
    await settled();
    while (!(await card.count()) && (await more.isVisible())) {
      await more.click();
      await settled();
    }
    await expect(card.getByRole('list', { name: 'Why it was reported' }).textContent()).resolves.toContain('Ignored the author’s wish to be listened to');

    // the author changes the mode from the story; the reader's line follows live, and advice is no longer nudged
    await author.getByRole('button', { name: 'Welcome advice instead' }).click();
    await author.getByTestId('reply-mode-line').getByText('You said advice is welcome.').waitFor();
    await reader.getByTestId('reply-mode-line').getByText(`${ann.username} welcomes advice.`).waitFor();
    await typeAndWaitForCheck(reader, 'Why don’t you write to the new manager?');
    await expect(reader.locator('.reply-nudge').count()).resolves.toBe(0);
    const [mode] = await b.app.db.dataSource.query('SELECT reply_mode FROM threads WHERE id = $1', [storyId]);
    expect(mode.reply_mode).toBe('advice');

    expect(
      await seriousViolations([
        { page: author, path: `/stories/${storyId}`, ready: '.reply-mode-line' },
        { page: author, path: '/stories/new', ready: '.reply-mode-field' },
      ]),
    ).toEqual([]);
  });

  it('shows where to find help, inline, when a reply speaks of crisis', async () => {
    const ann = await registerMember(b.app);
    const bob = await registerMember(b.app);
    const story = await createStory(b.app, ann, { title: 'The night shift I lost', replyMode: 'listening' });
    const reader = await b.page('bob', bob);
    await openStory(reader, story.id, 'The night shift I lost');
    await typeAndWaitForCheck(reader, 'I know this feeling. Some nights I want to die too.');
    const help = reader.locator('.reply-check .reply-check-crisis');
    await help.waitFor();
    await expect(help.locator('.resources li').count()).resolves.toBeGreaterThan(0);
    await expect(reader.getByRole('button', { name: 'Reply', exact: true }).isEnabled()).resolves.toBe(true);
  });
});
