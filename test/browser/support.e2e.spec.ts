import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { registerMember, setRole } from '../support/app.js';
import { createReply, createStory } from '../support/factories.js';
import { BrowserHarness, requireBrowser, seriousViolations } from '../support/browser.js';

const ok = requireBrowser('browser: help, guidelines, support messages and suspension');
jest.setTimeout(120_000);

(ok ? describe : describe.skip)('browser: help, guidelines, support messages and suspension', () => {
  const b = new BrowserHarness();
  beforeAll(() => b.start(), 90_000);
  afterAll(() => b.stop(), 60_000);
  afterEach(() => b.finish(), 60_000);

  it('shows a visitor "Get help now" on the welcome page, in the header and the footer, and it opens the helplines', async () => {
    const page = await b.page('visitor-help');
    await page.goto('/');
    await page.waitForURL('**/welcome');
    await page.locator('#site-header').getByRole('link', { name: 'Get help now' }).waitFor();
    await page.locator('#site-footer').getByRole('link', { name: 'Get help now' }).waitFor();
    await page.locator('#site-header').getByRole('link', { name: 'Get help now' }).click();
    await page.waitForURL('**/help');
    await page.getByRole('heading', { name: 'Get help now', level: 1 }).waitFor();
    const first = b.app.config.crisisResources[0]!;
    await page.getByRole('main').getByText(first.name).first().waitFor();
  });

  it('opens /guidelines and /privacy for a visitor (no "Page not found"), linked from the footer', async () => {
    const page = await b.page('visitor-guidelines');
    await page.goto('/welcome');
    await page.locator('#site-footer').getByRole('link', { name: 'Community guidelines' }).click();
    await page.waitForURL('**/guidelines');
    await page.getByRole('heading', { name: 'Community guidelines', level: 1 }).waitFor();
    await page.getByText(/Be kind\./).waitFor();
    expect(await page.getByText('Page not found').count()).toBe(0);
    await page.locator('#site-footer').getByRole('link', { name: 'Privacy' }).click();
    await page.waitForURL('**/privacy');
    await page.locator('.privacy-text').first().waitFor();
  });

  it('lets a member read a message from the team, answer it, and hear the next one live; the moderator sees the answer', async () => {
    const [member, moderator] = await Promise.all([registerMember(b.app), registerMember(b.app)]);
    await setRole(b.app, moderator.id, 'moderator');
    await b.app.http().post(`/api/mod/support/${member.id}`).set('Cookie', moderator.cookie).send({ body: 'Hello, just **checking in** after your story.', includeResources: true }).expect(201);

    const page = await b.page('member-support', member);
    await page.goto('/');
    await page.locator('#site-header').getByRole('link', { name: 'Messages from the team' }).click();
    await page.waitForURL('**/support');
    await page.getByRole('heading', { name: 'Messages from the team', level: 1 }).waitFor();
    const first = page.locator('.support-message.from-team').first();
    await first.locator('strong', { hasText: 'checking in' }).waitFor();
    await first.getByText('The moderation team').waitFor();
    expect(await first.textContent()).not.toContain(moderator.username);
    await first.locator('.resources li').first().waitFor();

    await page.getByLabel('Write to the moderators').fill('Thank you, I am doing a bit better.');
    await page.getByRole('button', { name: 'Send to the team' }).click();
    await page.locator('.support-message.from-member', { hasText: 'a bit better' }).waitFor();

    // the next team message arrives while the page is open
    await b.app.http().post(`/api/mod/support/${member.id}`).set('Cookie', moderator.cookie).send({ body: 'Glad to hear it.', sign: true }).expect(201);
    const live = page.locator('.support-message.from-team', { hasText: 'Glad to hear it' });
    await live.waitFor();
    await live.getByText(`${moderator.username}, moderation team`).waitFor();

    // the moderator's side: from the member's page to the conversation
    const mod = await b.page('moderator-support', moderator);
    await mod.goto(`/mod/users/${member.id}`);
    await mod.getByRole('link', { name: `Write to ${member.username}` }).click();
    await mod.waitForURL(`**/mod/support/${member.id}`);
    await mod.locator('.support-message.from-member', { hasText: 'a bit better' }).waitFor();
  });

  it('lets a moderator check in from a crisis alert: the conversation opens, and the message reaches the author with the helplines', async () => {
    const [author, reporter, moderator] = await Promise.all([registerMember(b.app), registerMember(b.app), registerMember(b.app)]);
    await setRole(b.app, moderator.id, 'moderator');
    const story = await createStory(b.app, author, { title: 'A hard month at work' });
    await b.app.http().post('/api/reports').set('Cookie', reporter.cookie).send({ targetType: 'thread', targetId: story.id, reason: 'crisis', note: 'I am worried about them' }).expect(201);

    const mod = await b.page('moderator-check-in', moderator);
    await mod.goto('/mod/alerts');
    // open alerts are oldest first and other test files share the database: page on until this author's card shows
    const checkIn = mod.getByRole('link', { name: `Check in with ${author.username}` });
    await mod.locator('.mod-body > div[aria-busy="false"]').waitFor();
    for (let i = 0; i < 50 && !(await checkIn.count()); i++) {
      await mod.getByRole('button', { name: 'Load more alerts' }).click();
      await mod.locator('.mod-body > div[aria-busy="false"]').waitFor();
    }
    await checkIn.first().click();
    await mod.waitForURL(`**/mod/support/${author.id}`);
    await mod.getByLabel(`Write to ${author.username}`).fill('We saw your story and wanted to check in. How are you doing?');
    await mod.getByLabel('Attach the helplines (crisis resources)').check();
    await mod.getByRole('button', { name: 'Send', exact: true }).click();
    await mod.locator('.support-message.from-team', { hasText: 'wanted to check in' }).waitFor();

    const page = await b.page('author-check-in', author);
    await page.goto('/notifications');
    await page.getByRole('link', { name: /The moderation team wrote to you/ }).click();
    await page.waitForURL('**/support');
    const message = page.locator('.support-message.from-team', { hasText: 'wanted to check in' });
    await message.locator('.resources li').first().waitFor();
  });

  it('offers a check-in from a report card for a named author, and none for an anonymous one', async () => {
    const [author, writer, reporter, moderator] = await Promise.all([registerMember(b.app), registerMember(b.app), registerMember(b.app), registerMember(b.app)]);
    await setRole(b.app, moderator.id, 'moderator');
    const story = await createStory(b.app, author, { title: 'The exam I failed twice' });
    const named = await createReply(b.app, writer, story.id, { body: 'I failed mine too and I still think about it.' });
    const hidden = await createReply(b.app, writer, story.id, { body: 'Some days I cannot see the point of anything.', anonymous: true });
    for (const target of [named, hidden]) {
      await b.app.http().post('/api/reports').set('Cookie', reporter.cookie).send({ targetType: 'reply', targetId: target.id, reason: 'other', note: 'They sound low' }).expect(201);
    }
    const mod = await b.page('moderator-report-check-in', moderator);
    await mod.goto('/mod/reports');
    await mod.locator('.mod-body > div[aria-busy="false"]').waitFor();
    const namedCard = mod.locator(`li[data-target="reply:${named.id}"]`);
    const anonymousCard = mod.locator(`li[data-target="reply:${hidden.id}"]`);
    for (let i = 0; i < 50 && !((await namedCard.count()) && (await anonymousCard.count())); i++) {
      await mod.getByRole('button', { name: 'Load more reports' }).click();
      await mod.locator('.mod-body > div[aria-busy="false"]').waitFor();
    }
    await anonymousCard.getByText('(anonymous)').waitFor();
    expect(await anonymousCard.getByRole('link', { name: /^Check in with/ }).count()).toBe(0);
    await namedCard.getByRole('link', { name: `Check in with ${writer.username}` }).click();
    await mod.waitForURL(`**/mod/support/${writer.id}`);
    await mod.getByLabel(`Write to ${writer.username}`).waitFor();
  });

  it('tells the author of a post a moderator did not approve that only they see it, and where the team can be reached', async () => {
    const [author, moderator] = await Promise.all([registerMember(b.app), registerMember(b.app)]);
    await setRole(b.app, moderator.id, 'moderator');
    const word = `florbix${Date.now() % 100000}`;
    await b.app.http().post('/api/mod/watched-words').set('Cookie', moderator.cookie).send({ pattern: word, action: 'hold' }).expect(201);
    const other = await createStory(b.app, moderator, { title: 'A story to answer' });
    const story = await createStory(b.app, author, { title: 'The launch that went wrong', happened: `It went wrong because of ${word}.` });
    const reply = await createReply(b.app, author, other.id, { body: `I know ${word} too.` });
    expect([story.status, reply.status]).toEqual(['pending', 'pending']);
    await b.app.http().post(`/api/mod/queue/${story.id}/reject`).set('Cookie', moderator.cookie).send({ reason: 'It names a person' }).expect(200);
    await b.app.http().post(`/api/mod/queue/${reply.id}/reject`).set('Cookie', moderator.cookie).send({ reason: 'It names a person' }).expect(200);

    const page = await b.page('author-not-approved', author);
    await page.goto(`/stories/${story.id}`);
    const note = page.locator('.notice', { hasText: 'A moderator did not approve this story.' });
    await note.getByText('Only you and the moderators can see it.').waitFor();
    await page.goto(`/stories/${other.id}`);
    const mine = page.locator('.reply-list > li', { hasText: word });
    await mine.getByText('A moderator did not approve this reply.').waitFor();
    await mine.getByRole('link', { name: 'Messages from the team' }).click();
    await page.waitForURL('**/support');
  });

  it('tells a suspended member up front: a banner with the end in words, and the composer closed', async () => {
    const [member, moderator] = await Promise.all([registerMember(b.app), registerMember(b.app)]);
    await setRole(b.app, moderator.id, 'moderator');
    await b.app.http().post(`/api/mod/users/${member.id}/suspend`).set('Cookie', moderator.cookie).send({ days: 3, reason: 'a pause' }).expect(200);
    const page = await b.page('suspended', member);
    await page.goto('/stories/new');
    const banner = page.locator('.suspension-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/suspended until (\w+|\d+ \w+) at \d\d:\d\d\. You can still read/);
    expect(await banner.textContent()).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    await page.locator('form.compose-form .notice', { hasText: 'Your account is suspended until' }).waitFor();
    expect(await page.getByLabel('Title').isDisabled()).toBe(true);
    // they can still write to the team
    await page.locator('.suspension-banner').getByRole('link', { name: 'write to the moderators' }).click();
    await page.waitForURL('**/support');
    expect(await page.getByLabel('Write to the moderators').isDisabled()).toBe(false);
  });

  it('has no serious or critical axe violations on help, guidelines and both sides of a conversation, light and dark', async () => {
    const [member, moderator] = await Promise.all([registerMember(b.app), registerMember(b.app)]);
    await setRole(b.app, moderator.id, 'moderator');
    await b.app.http().post(`/api/mod/support/${member.id}`).set('Cookie', moderator.cookie).send({ body: 'Checking in.', includeResources: true }).expect(201);
    await b.app.http().post('/api/me/support').set('Cookie', member.cookie).send({ body: 'Thanks.' }).expect(201);
    const visitor = await b.page('axe-visitor', undefined, { bypassCSP: true });
    const memberPage = await b.page('axe-member', member, { bypassCSP: true });
    const modPage = await b.page('axe-moderator', moderator, { bypassCSP: true });
    const screens: { page: Page; path: string; ready: string }[] = [
      { page: visitor, path: '/help', ready: '.resources li' },
      { page: visitor, path: '/guidelines', ready: '.guidelines-text' },
      { page: memberPage, path: '/support', ready: '.support-message' },
      { page: modPage, path: `/mod/support/${member.id}`, ready: '.support-message' },
      { page: modPage, path: '/mod/support', ready: '.support-conversations li' },
    ];
    expect(await seriousViolations(screens)).toEqual([]);
  });
});
