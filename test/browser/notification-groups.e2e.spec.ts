import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { join } from 'node:path';
import { registerMember, setRole } from '../support/app.js';
import { BrowserHarness, focused, requireBrowser, SCREENSHOT_DIR, tabTo } from '../support/browser.js';
import { createReply, createStory } from '../support/factories.js';

const ok = requireBrowser('browser: notification groups');
jest.setTimeout(120_000);

(ok ? describe : describe.skip)('browser: notification groups', () => {
  const b = new BrowserHarness();
  beforeAll(() => b.start(), 90_000);
  afterAll(() => b.stop(), 60_000);
  afterEach(() => b.finish(), 60_000);

  it('shows a grouped notification with who and an excerpt, replaced in place live, and gone when the story is hidden', async () => {
    const [ann, bob, cat, mod] = [await registerMember(b.app), await registerMember(b.app), await registerMember(b.app), await registerMember(b.app)];
    await setRole(b.app, mod.id, 'moderator');
    const story = await createStory(b.app, ann, { title: 'The exam I failed twice' });
    const page = await b.page('ann', ann);
    await page.goto('/notifications');
    await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    await page.locator('.notification-region[aria-busy="false"]').waitFor();
    await page.locator('.live-status[data-state="online"]').waitFor();

    await createReply(b.app, bob, story.id, { body: 'I failed mine **three** times, and passed the fourth.' });
    const item = page.locator('.notification', { hasText: 'The exam I failed twice' });
    await item.locator('.notification-text', { hasText: `${bob.username} replied to your story "The exam I failed twice"` }).waitFor();
    await expect(item.locator('.notification-excerpt').textContent()).resolves.toBe('I failed mine three times, and passed the fourth.');
    const id = await item.getAttribute('data-notification-id');
    await page.locator('.badge-count', { hasText: '1' }).first().waitFor();

    // a second reply: the same row now speaks for both, in place, and the unread count stays one
    await createReply(b.app, cat, story.id, { body: 'Twice is not the end.' });
    await item.locator('.notification-text', { hasText: `${cat.username} and ${bob.username} replied to your story` }).waitFor();
    await expect(page.locator('.notification').count()).resolves.toBe(1);
    await expect(item.getAttribute('data-notification-id')).resolves.toBe(id);
    await expect(item.locator('.notification-excerpt').textContent()).resolves.toBe('Twice is not the end.');
    await expect(item.locator('.notification-meta').textContent()).resolves.toContain('2 replies');
    await expect(page.locator('header .badge-count').first().textContent()).resolves.toContain('1');
    // the header's link describes the latest one, in the same words
    await expect(page.locator('#site-header a[href="/notifications"]').getAttribute('title')).resolves.toBe(
      `Latest: ${cat.username} and ${bob.username} replied to your story "The exam I failed twice" — “Twice is not the end.”`,
    );
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'notification-group-two-replies.png') });

    // by keyboard: the notification's link is reached with Tab and reads its excerpt as its description
    const f = await tabTo(page, (x) => x.tag === 'a' && x.name.includes('replied to your story'), 'the grouped notification');
    expect(f.name).toContain(cat.username);
    await expect(page.locator(':focus').getAttribute('aria-describedby')).resolves.toBe(`notification-excerpt-${id}`);

    // a moderator hides the story: the notification leaves the list live, and focus is not lost to nowhere
    const hide = await b.app.http().post(`/api/mod/threads/${story.id}/hide`).set('Cookie', mod.cookie).send({ reason: 'a check' });
    expect(hide.status).toBe(200);
    await page.locator(`[data-notification-id="${id}"]`).waitFor({ state: 'detached' });
    await page.locator('.notification', { hasText: 'A moderator hid your story' }).waitFor();
    expect((await focused(page)).tag).not.toBe('body');
  });
});
