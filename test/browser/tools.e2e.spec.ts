import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { registerMember } from '../support/app.js';
import { BrowserHarness, requireBrowser } from '../support/browser.js';
import { createReply, createStory } from '../support/factories.js';

const ok = requireBrowser('browser: authors’ and readers’ tools');
jest.setTimeout(120_000);

async function openStory(page: Page, id: string): Promise<void> {
  await page.goto(`/stories/${id}`);
  await page.locator('h1.story-title').waitFor();
  await page.locator('.replies[aria-busy="false"]').waitFor();
  await page.locator('.presence:not([hidden])').waitFor();
}

(ok ? describe : describe.skip)('browser: authors’ and readers’ tools', () => {
  const b = new BrowserHarness();
  beforeAll(() => b.start(), 90_000);
  afterAll(() => b.stop(), 60_000);
  afterEach(() => b.finish(), 60_000);

  it('edits a reply in place (Escape cancels), deletes it, and others see both live', async () => {
    const ann = await registerMember(b.app);
    const bob = await registerMember(b.app);
    const story = await createStory(b.app, ann);
    const a = await b.page('author', ann);
    const bp = await b.page('replier', bob);
    await openStory(a, story.id);
    await openStory(bp, story.id);

    await bp.getByLabel('Your reply').fill('First *draft* of my reply');
    await bp.getByRole('button', { name: 'Reply', exact: true }).click();
    const mine = bp.locator('.reply-list > li').first();
    await mine.getByText('First draft of my reply').waitFor();
    const id = await mine.getAttribute('data-reply-id');
    await a.locator(`#reply-${id}`, { hasText: 'First draft of my reply' }).waitFor();

    // Escape leaves it as it was
    await mine.getByRole('button', { name: 'Edit your reply' }).click();
    const box = bp.getByLabel('Edit your reply');
    await expect(box.inputValue()).resolves.toBe('First *draft* of my reply');
    await box.fill('never saved');
    await box.press('Escape');
    await box.waitFor({ state: 'detached' });
    await expect(bp.locator(':focus').textContent()).resolves.toContain('Edit');
    await expect(mine.locator('.reply-body').textContent()).resolves.toBe('First draft of my reply');

    await mine.getByRole('button', { name: 'Edit your reply' }).click();
    await bp.getByLabel('Edit your reply').fill('Second, **better** thoughts');
    await bp.getByRole('button', { name: 'Save' }).click();
    await mine.locator('.reply-body strong', { hasText: 'better' }).waitFor();
    await a.locator(`#reply-${id} .reply-body strong`, { hasText: 'better' }).waitFor();
    await expect(a.locator(`#reply-${id} .reply-meta`).textContent()).resolves.toContain('edited');
    // still B's own after the live echo of the edit: the buttons stay
    await mine.getByRole('button', { name: 'Delete your reply' }).click();
    await bp.getByRole('button', { name: 'Delete reply' }).click();
    await bp.locator(`#reply-${id}`, { hasText: 'This reply was deleted.' }).waitFor();
    await a.locator(`#reply-${id}`, { hasText: 'This reply was deleted.' }).waitFor();
  });

  it('pauses and resumes replies, and a reader sees the reply box close and open live', async () => {
    const ann = await registerMember(b.app);
    const bob = await registerMember(b.app);
    const story = await createStory(b.app, ann);
    const a = await b.page('author', ann);
    const bp = await b.page('reader', bob);
    await openStory(a, story.id);
    await openStory(bp, story.id);

    await a.getByRole('button', { name: 'Pause new replies' }).click();
    await a.getByRole('button', { name: 'Resume replies' }).waitFor();
    await bp.getByText('The author has paused new replies for now.').waitFor();
    await expect(bp.getByLabel('Your reply').isDisabled()).resolves.toBe(true);
    await expect(bp.getByRole('button', { name: 'Reply', exact: true }).isDisabled()).resolves.toBe(true);

    await a.getByRole('button', { name: 'Resume replies' }).click();
    await a.getByRole('button', { name: 'Pause new replies' }).waitFor();
    await bp.getByText('The author has paused new replies for now.').waitFor({ state: 'hidden' });
    await expect(bp.getByLabel('Your reply').isDisabled()).resolves.toBe(false);
  });

  it('edits the story for its readers live, and tells them when it is deleted', async () => {
    const ann = await registerMember(b.app);
    const bob = await registerMember(b.app);
    const story = await createStory(b.app, ann, { title: 'The recital I forgot' });
    const a = await b.page('author', ann);
    const bp = await b.page('reader', bob);
    await openStory(a, story.id);
    await openStory(bp, story.id);

    await a.getByRole('button', { name: 'Edit story' }).click();
    await a.getByLabel('Title').fill('The recital I forgot, and then remembered');
    await a.getByLabel('What did you learn?').fill('Forgetting is not the end of the song.');
    await a.getByRole('button', { name: 'Save changes' }).click();
    await a.getByRole('heading', { name: 'The recital I forgot, and then remembered', level: 1 }).waitFor();
    await bp.getByRole('heading', { name: 'The recital I forgot, and then remembered', level: 1 }).waitFor();
    await bp.getByText('Forgetting is not the end of the song.').waitFor();

    await a.getByRole('button', { name: 'Delete story' }).click();
    await a.getByRole('button', { name: 'Delete story' }).last().click();
    await a.getByRole('heading', { name: 'Stories', level: 1 }).waitFor();
    await bp.getByRole('heading', { name: 'This story is no longer available' }).waitFor();
  });

  it('reports a reply, blocks its author, and hides their replies', async () => {
    const ann = await registerMember(b.app);
    const troll = await registerMember(b.app);
    const carol = await registerMember(b.app);
    // carol's story, where ann reads (a blocked member may not reply to the blocker's own stories at all)
    const story = await createStory(b.app, carol);
    const r = await createReply(b.app, troll, story.id, { body: 'Something unkind' });
    const a = await b.page('reader', ann);
    await openStory(a, story.id);
    const reply = a.locator(`#reply-${r.id}`);

    await reply.getByRole('button', { name: /^Report/ }).click();
    await a.getByLabel('Harassment').check();
    await a.getByRole('button', { name: 'Send report' }).click();
    await a.getByText(/Thank you\. A moderator will look at it soon\.|Reporting is not available yet\./).waitFor();
    const closeOrCancel = a.getByRole('button', { name: /^(Close|Cancel)$/ });
    await closeOrCancel.first().click();

    await reply.getByRole('button', { name: `Block ${troll.username}` }).click();
    await a.getByRole('button', { name: `Block ${troll.username}` }).last().click();
    await reply.getByText('You blocked this member, so their reply is hidden.').waitFor();
    await expect(reply.locator('.reply-body').isHidden()).resolves.toBe(true);
    // and nothing new of theirs arrives live
    const later = await createReply(b.app, troll, story.id, { body: 'More unkindness' });
    const friend = await registerMember(b.app);
    const kind = await createReply(b.app, friend, story.id, { body: 'A kind word' });
    await a.locator(`#reply-${kind.id}`).waitFor();
    await expect(a.locator(`#reply-${later.id}`).count()).resolves.toBe(0);
  });

  it('counts notifications live in the header, lists them, and marks them read', async () => {
    const ann = await registerMember(b.app);
    const bob = await registerMember(b.app);
    const story = await createStory(b.app, ann, { title: 'The cake that collapsed' });
    const a = await b.page('author', ann);
    await a.goto('/');
    await a.locator('.live-status[data-state="online"]').waitFor();
    const badge = a.locator('#site-header .badge-count');
    await expect(badge.isHidden()).resolves.toBe(true);

    // (replies to one story are one notification while unread: the second is to another story)
    const other = await createStory(b.app, ann, { title: 'The bread that never rose' });
    const r1 = await createReply(b.app, bob, story.id, { body: 'Cakes collapse for everyone' });
    await badge.filter({ hasText: '1' }).waitFor();
    await createReply(b.app, bob, other.id, { body: 'Even for bakers' });
    await badge.filter({ hasText: '2' }).waitFor();

    await a.getByRole('link', { name: /^Notifications/ }).click();
    await a.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    const items = a.locator('.notification-list > li');
    await items.nth(1).waitFor(); // the heading shows before the list has loaded
    await expect(items.count()).resolves.toBe(2);
    await expect(items.locator('.badge-new').count()).resolves.toBe(2);

    // opening one marks it read and goes to the reply
    await items.last().getByRole('link').click();
    await a.waitForURL(new RegExp(`/stories/${story.id}#reply-${r1.id}$`));
    await a.locator(`#reply-${r1.id}:focus`).waitFor();
    await badge.filter({ hasText: '1' }).waitFor();

    await a.goBack();
    await a.getByRole('button', { name: 'Mark all read' }).click();
    await badge.waitFor({ state: 'hidden' });
    await expect(a.locator('.notification-list .badge-new').count()).resolves.toBe(0);
    const res = await b.app.http().get('/api/auth/me').set('Cookie', ann.cookie);
    expect(res.body.unreadNotifications).toBe(0);
  });

  it('shows a calm signed-out message when the session ends elsewhere', async () => {
    const ann = await registerMember(b.app);
    const a = await b.page('member', ann);
    await a.goto('/');
    await a.locator('.live-status[data-state="online"]').waitFor();
    await b.app.http().post('/api/auth/logout').set('Cookie', ann.cookie).expect(204);
    await a.waitForURL('**/welcome');
    await a.getByText('You were signed out').waitFor();
    await a.getByRole('link', { name: 'Sign in' }).first().waitFor();
  });
});
