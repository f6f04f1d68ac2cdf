// Words never lost, visitors, outages said honestly (issue 16 items 5–7): reply drafts that follow the member, words
// typed offline offered back after the tab closed, a reply sent offline posted once on reconnecting, a visitor's way
// back to a shared story, and "Setback is not answering" instead of "check your connection".
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { registerMember, uniqueName, type Member } from '../support/app.js';
import { join } from 'node:path';
import { BrowserHarness, requireBrowser, runAxe, SCREENSHOT_DIR, WAIT_MS } from '../support/browser.js';
import { createStory } from '../support/factories.js';

const ok = requireBrowser('browser: words kept');
jest.setTimeout(150_000);

const NOT_ANSWERING = 'Setback is not answering right now; your words are kept.';

/** A photograph of a moment the test passes through (the harness photographs only the end). */
const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOT_DIR, `words-kept-${name}.png`), fullPage: true });

/**
 * axe-core's serious and critical violations inside the given parts of the page as it is now, in light and dark.
 * (Scoped to the parts under test: a whole page switched to dark in place keeps an occasional stale colour elsewhere,
 * which the suites that check whole screens avoid by loading each one afresh.)
 */
async function seriousNow(page: Page, parts: string[]): Promise<string[]> {
  await runAxe(page); // loads axe into the page
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // colours change with a transition: judge them once it has ended (one cut short by a newer one ends too)
    await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))');
    await page.evaluate('Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null))).then(() => true)');
    const violations = (await page.evaluate(
      `window.axe.run({ include: ${JSON.stringify(parts.map((p) => [p]))} }, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
         id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
       })))`,
    )) as Awaited<ReturnType<typeof runAxe>>;
    for (const v of violations) {
      if (v.impact === 'serious' || v.impact === 'critical') found.push(`${scheme}: ${v.id} (${v.help}) at ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join(', ')}`);
    }
  }
  return found;
}

/** Waits until a form control holds the given value. */
async function valueBecomes(control: Locator, expected: string): Promise<void> {
  const until = Date.now() + WAIT_MS;
  let value = await control.inputValue();
  while (value !== expected) {
    if (Date.now() > until) throw new Error(`the control holds ${JSON.stringify(value)}, not ${JSON.stringify(expected)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await control.inputValue();
  }
}

/** Opens a story and waits until its replies are loaded and the live connection has joined it. */
async function openStory(page: Page, id: string, title: string): Promise<void> {
  await page.goto(`/stories/${id}`);
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
  await page.locator('.replies[aria-busy="false"]').waitFor();
  await page.locator('.live-status[data-state="online"]').waitFor();
}

(ok ? describe : describe.skip)('browser: words kept', () => {
  const b = new BrowserHarness();
  beforeAll(() => b.start(), 90_000);
  afterAll(() => b.stop(), 60_000);
  afterEach(() => b.finish(), 60_000);

  const replies = async (member: Member, threadId: string) =>
    (await b.app.http().get(`/api/threads/${threadId}/replies?limit=50`).set('Cookie', member.cookie)).body.items as { id: string; body?: string; bodyHtml: string }[];
  const drafts = async (member: Member) => (await b.app.http().get('/api/drafts').set('Cookie', member.cookie)).body.items as { key: string; data: Record<string, unknown> }[];

  it('takes a visitor from a shared story link through signing in, and through joining, back to the story', async () => {
    const author = await registerMember(b.app);
    const story = await createStory(b.app, author, { title: `The recital I froze in ${randomBytes(3).toString('hex')}` });
    const reader = await registerMember(b.app);

    const visitor = await b.page('visitor');
    await visitor.goto(`/stories/${story.id}`);
    await visitor.waitForURL('**/welcome');
    await visitor.getByText('This story is shared with members. Join or sign in to read it.').waitFor();
    // what the place is like, without any member's story
    await visitor.getByRole('heading', { name: 'A story in three parts' }).waitFor();
    await visitor.getByRole('heading', { name: 'Posting anonymously' }).waitFor();
    await visitor.locator('.welcome-guidelines .guidelines-text').first().waitFor();
    await expect(visitor.locator('main').textContent()).resolves.not.toContain(story.title as string);
    await shot(visitor, 'visitor-shared-story');

    await visitor.locator('.shared-story').getByRole('link', { name: 'Sign in' }).click();
    await visitor.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    await visitor.getByLabel('Username').fill(reader.username);
    await visitor.getByLabel('Password').fill(reader.password);
    await visitor.getByRole('button', { name: 'Sign in' }).click();
    await visitor.waitForURL(`**/stories/${story.id}`);
    await visitor.getByRole('heading', { name: story.title as string, level: 1 }).waitFor();

    // a newcomer joins on the way, and a reload of the welcome page does not lose the way back
    const newcomer = await b.page('newcomer');
    await newcomer.goto(`/stories/${story.id}`);
    await newcomer.getByText('This story is shared with members. Join or sign in to read it.').waitFor();
    await newcomer.reload();
    await newcomer.getByText('This story is shared with members. Join or sign in to read it.').waitFor();
    await newcomer.locator('.shared-story').getByRole('link', { name: 'Join Setback' }).click();
    await newcomer.getByRole('heading', { name: 'Join Setback', level: 1 }).waitFor();
    await newcomer.getByLabel('Username', { exact: true }).fill(uniqueName('joiner'));
    await newcomer.getByLabel('Password', { exact: true }).fill(`pw-${randomBytes(8).toString('hex')}`);
    await newcomer.getByLabel('I accept the community guidelines').check();
    await newcomer.getByLabel('I am 16 or older').check();
    await newcomer.getByRole('button', { name: 'Join Setback' }).click();
    const codes = newcomer.getByRole('heading', { name: 'Save your recovery codes' });
    const title = newcomer.getByRole('heading', { name: story.title as string, level: 1 });
    await codes.or(title).first().waitFor();
    if (await codes.isVisible()) await newcomer.getByRole('button', { name: /saved them/ }).click();
    await title.waitFor();
    expect(new URL(newcomer.url()).pathname).toBe(`/stories/${story.id}`);
  });

  it('says Setback is not answering (not "check your connection") while the server is down, and clears it on "Back online"', async () => {
    const member = await registerMember(b.app);
    const mark = randomBytes(3).toString('hex');
    const story = await createStory(b.app, member, { title: `The bakery that closed ${mark}` });
    const page = await b.page('member', member, { bypassCSP: true }); // axe is injected as a script
    // searched for: other test files share the database, and their new stories can push this one off the first page
    await page.goto(`/?q=${mark}`);
    await page.getByRole('heading', { name: 'Stories', level: 1 }).waitFor();
    const card = page.getByRole('link', { name: story.title as string });
    await card.waitFor();

    // the network is up, the server refuses the connection
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    await card.click();
    const line = page.locator('.state-error', { hasText: NOT_ANSWERING });
    await line.waitFor();
    await expect(line.textContent()).resolves.not.toMatch(/check your connection/i);
    await page.locator('.connection-banner', { hasText: NOT_ANSWERING }).waitFor();
    await shot(page, 'server-not-answering');
    expect(await seriousNow(page, ['.connection-banner', 'main'])).toEqual([]);

    // then a proxy in front of it answers 503
    await page.unroute('**/api/**');
    await page.route('**/api/**', (route) => route.fulfill({ status: 503, contentType: 'text/plain', body: 'Service Unavailable' }));
    await line.getByRole('button', { name: 'Retry' }).click();
    await page.locator('.state-error', { hasText: NOT_ANSWERING }).waitFor();

    // the server answers again: "Back online", the stale line goes and the story loads by itself
    await page.unroute('**/api/**');
    await page.locator('.connection-banner', { hasText: 'Back online.' }).waitFor();
    await page.getByRole('heading', { name: story.title as string, level: 1 }).waitFor();
    await expect(page.locator('.state-error').count()).resolves.toBe(0);
    await shot(page, 'back-online');
  });

  it('keeps a half-written reply across leaving the story and coming back, and across a reload; sending it clears the draft', async () => {
    const author = await registerMember(b.app);
    const reader = await registerMember(b.app);
    const story = await createStory(b.app, author, { title: `The garden that never grew ${randomBytes(3).toString('hex')}` });
    const words = `Mine never grew either, ${randomBytes(3).toString('hex')}. The second spring went better.`;
    const page = await b.page('reader', reader);
    await openStory(page, story.id, story.title as string);
    await page.getByLabel('Your reply').fill(words);

    // away inside the app, and back with the browser's Back button
    await page.locator('#site-header a.brand').click();
    await page.getByRole('heading', { name: 'Stories', level: 1 }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: story.title as string, level: 1 }).waitFor();
    await valueBecomes(page.getByLabel('Your reply'), words);
    expect((await drafts(reader)).find((d) => d.key === `reply-${story.id}`)?.data.body).toBe(words);
    await shot(page, 'reply-kept-after-leaving');

    await page.reload();
    await page.getByRole('heading', { name: story.title as string, level: 1 }).waitFor();
    await valueBecomes(page.getByLabel('Your reply'), words);

    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    await page.locator('.reply', { hasText: words }).first().waitFor();
    await valueBecomes(page.getByLabel('Your reply'), '');
    for (let i = 0; (await drafts(reader)).some((d) => d.key === `reply-${story.id}`); i++) {
      if (i > 150) throw new Error('the reply draft stayed on the server after the reply was sent');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await page.reload();
    await page.getByRole('heading', { name: story.title as string, level: 1 }).waitFor();
    await page.locator('.replies[aria-busy="false"]').waitFor();
    await expect(page.getByLabel('Your reply').inputValue()).resolves.toBe('');
    await expect(page.locator('.unsent-words').count()).resolves.toBe(0);
  });

  it('offers back a reply typed offline after the tab was closed, never sending it by itself', async () => {
    const author = await registerMember(b.app);
    const reader = await registerMember(b.app);
    const story = await createStory(b.app, author, { title: `The interview I was late for ${randomBytes(3).toString('hex')}` });
    const words = `I missed a train to one once, ${randomBytes(3).toString('hex')}.`;
    const first = await b.context(reader);
    const page = await b.page('offline', first);
    await openStory(page, story.id, story.title as string);
    await first.setOffline(true);
    await page.getByLabel('Your reply').fill(words);
    await page.locator('.reply-form .save-status', { hasText: 'Not saved on Setback yet' }).waitFor();
    const kept = await first.storageState();
    await first.close();

    const again = await b.page('online again', await b.context(reader, { storageState: kept, bypassCSP: true }));
    await openStory(again, story.id, story.title as string);
    const offer = again.locator('.reply-form .unsent-words');
    await offer.getByText('You have unsent words from').waitFor();
    await shot(again, 'reply-words-offered-back');
    expect(await seriousNow(again, ['.reply-form'])).toEqual([]);
    await expect(again.getByLabel('Your reply').inputValue()).resolves.toBe('');
    expect((await drafts(reader)).some((d) => d.key === `reply-${story.id}`)).toBe(false);
    expect(await replies(author, story.id)).toEqual([]);
    await offer.getByRole('button', { name: 'Restore' }).click();
    await valueBecomes(again.getByLabel('Your reply'), words);
    await again.locator('.reply-form .save-status', { hasText: 'Saved' }).waitFor();
    expect((await drafts(reader)).find((d) => d.key === `reply-${story.id}`)?.data.body).toBe(words);
    expect(await replies(author, story.id)).toEqual([]);
  });

  it('says in words when a reply draft is too large to save (413), and keeps it in the browser to offer back', async () => {
    const author = await registerMember(b.app);
    const reader = await registerMember(b.app);
    const story = await createStory(b.app, author, { title: `The novel I never finished ${randomBytes(3).toString('hex')}` });
    const context = await b.context(reader);
    const page = await b.page('reader', context);
    await openStory(page, story.id, story.title as string);
    const saved = page.waitForResponse((r) => r.url().endsWith(`/api/drafts/reply-${story.id}`) && r.request().method() === 'PUT');
    const long = `${randomBytes(3).toString('hex')} ${'a long letter '.repeat(5000)}`; // about 70 KB, over the 64 KiB a draft may hold
    await page.getByLabel('Your reply').fill(long);
    expect((await saved).status()).toBe(413);
    await page.locator('.reply-form .save-status', { hasText: 'Not saved: This draft is too large' }).waitFor();
    await page.locator('.reply-form .save-status', { hasText: 'Your words are kept in this browser.' }).waitFor();
    expect((await drafts(reader)).some((d) => d.key === `reply-${story.id}`)).toBe(false);
    const kept = await context.storageState();
    await context.close();

    const again = await b.page('again', await b.context(reader, { storageState: kept }));
    await openStory(again, story.id, story.title as string);
    await again.locator('.reply-form .unsent-words').getByRole('button', { name: 'Restore' }).click();
    await valueBecomes(again.getByLabel('Your reply'), long);
  });

  it('sends a reply written offline exactly once after reconnecting, also when the answer to a send was lost', async () => {
    const author = await registerMember(b.app);
    const reader = await registerMember(b.app);
    const story = await createStory(b.app, author, { title: `The shop I had to close ${randomBytes(3).toString('hex')}` });
    const context = await b.context(reader);
    const page = await b.page('reader', context);
    await openStory(page, story.id, story.title as string);

    const offline = `Written on the train, ${randomBytes(3).toString('hex')}.`;
    await context.setOffline(true);
    await page.getByLabel('Your reply').fill(offline);
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    await page.locator('.reply-outbox .outbox-item', { hasText: offline }).getByText('Will send when you are back online.').waitFor();
    await expect(page.getByLabel('Your reply').inputValue()).resolves.toBe('');
    await shot(page, 'reply-waits-in-outbox');
    expect(await replies(author, story.id)).toEqual([]);

    await context.setOffline(false);
    await page.locator('.replies .reply', { hasText: offline }).waitFor();
    await page.locator('.reply-outbox').waitFor({ state: 'hidden' });
    const once = (await replies(author, story.id)).filter((r) => r.bodyHtml.includes(offline));
    expect(once).toHaveLength(1);

    // the server takes the reply but its answer never arrives: the outbox sends again with the same clientKey
    const lost = `The answer to this one was lost, ${randomBytes(3).toString('hex')}.`;
    let posts = 0;
    await page.route(
      (url) => url.pathname === `/api/threads/${story.id}/replies`,
      async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        posts += 1;
        if (posts > 1) return route.continue();
        await route.fetch();
        await route.abort('connectionreset');
      },
    );
    await page.getByLabel('Your reply').fill(lost);
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    await page.locator('.replies .reply', { hasText: lost }).waitFor();
    await page.locator('.reply-outbox').waitFor({ state: 'hidden' });
    expect(posts).toBe(2);
    const all = await replies(author, story.id);
    expect(all.filter((r) => r.bodyHtml.includes(lost))).toHaveLength(1);
    expect(all.filter((r) => r.bodyHtml.includes(offline))).toHaveLength(1);
    await page.reload();
    await page.locator('.replies[aria-busy="false"]').waitFor();
    await expect(page.locator('.replies .reply', { hasText: lost }).count()).resolves.toBe(1);
  });

  it('sends a reply that waited when the tab was closed once Setback is opened again, on any page, once', async () => {
    const author = await registerMember(b.app);
    const reader = await registerMember(b.app);
    const story = await createStory(b.app, author, { title: `The cake that collapsed ${randomBytes(3).toString('hex')}` });
    const words = `Sent from a closed tab, ${randomBytes(3).toString('hex')}.`;
    const first = await b.context(reader);
    const page = await b.page('offline', first);
    await openStory(page, story.id, story.title as string);
    await first.setOffline(true);
    await page.getByLabel('Your reply').fill(words);
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    await page.locator('.outbox-item', { hasText: words }).getByText('Will send when you are back online.').waitFor();
    const kept = await first.storageState();
    await first.close();
    expect(await replies(author, story.id)).toEqual([]);

    // opened again on the list, online: it goes by itself, once
    const again = await b.page('online again', await b.context(reader, { storageState: kept }));
    const sent = again.waitForResponse((r) => new URL(r.url()).pathname === `/api/threads/${story.id}/replies` && r.request().method() === 'POST');
    await again.goto('/');
    expect((await sent).status()).toBe(201);
    await again.goto(`/stories/${story.id}`);
    await again.locator('.replies .reply', { hasText: words }).waitFor();
    await again.locator('.replies[aria-busy="false"]').waitFor();
    await expect(again.locator('.outbox-item').count()).resolves.toBe(0);
    expect((await replies(author, story.id)).filter((r) => r.bodyHtml.includes(words))).toHaveLength(1);
  });

  it('never sends again a waiting reply the server refused: it shows the reason and keeps the words', async () => {
    const author = await registerMember(b.app);
    const reader = await registerMember(b.app);
    const story = await createStory(b.app, author, { title: `The band that split up ${randomBytes(3).toString('hex')}` });
    const context = await b.context(reader, { bypassCSP: true }); // axe is injected as a script
    const page = await b.page('reader', context);
    await openStory(page, story.id, story.title as string);
    let posts = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === `/api/threads/${story.id}/replies`) posts += 1;
    });

    const refused = `Sent while the author paused replies, ${randomBytes(3).toString('hex')}.`;
    await context.setOffline(true);
    await page.getByLabel('Your reply').fill(refused);
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    await page.locator('.outbox-item', { hasText: refused }).waitFor();
    expect((await b.app.http().post(`/api/threads/${story.id}/pause`).set('Cookie', author.cookie)).status).toBe(200);
    await context.setOffline(false);
    const item = page.locator('.outbox-item[data-state="refused"]', { hasText: refused });
    await item.getByText('Not sent:').waitFor();
    await shot(page, 'reply-refused-kept');
    expect(posts).toBe(1);
    // the waiting list and the refusal read well in both colour schemes
    expect(await seriousNow(page, ['.reply-form'])).toEqual([]);

    // a later reply goes when Setback is back again: the outbox ran, and passed the refused one by
    expect((await b.app.http().post(`/api/threads/${story.id}/resume`).set('Cookie', author.cookie)).status).toBe(200);
    await page.getByLabel('Your reply').waitFor({ state: 'visible' });
    await page.locator('.reply-form textarea:not([disabled])').waitFor();
    const later = `A later one, ${randomBytes(3).toString('hex')}.`;
    await context.setOffline(true);
    await page.getByLabel('Your reply').fill(later);
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    await page.locator('.outbox-item', { hasText: later }).waitFor();
    await context.setOffline(false);
    await page.locator('.replies .reply', { hasText: later }).waitFor();
    expect(posts).toBe(2);
    expect((await replies(author, story.id)).filter((r) => r.bodyHtml.includes(refused))).toHaveLength(0);

    // its words go back into the box on request
    await item.getByRole('button', { name: 'Put back in the box' }).click();
    await valueBecomes(page.getByLabel('Your reply'), refused);
    await expect(page.locator('.outbox-item').count()).resolves.toBe(0);
  });

  it('offers back a story typed offline after the tab was closed, and does not send it by itself', async () => {
    const member = await registerMember(b.app);
    const first = await b.context(member);
    const page = await b.page('offline', first);
    await page.goto('/stories/new');
    await page.getByLabel('Title').waitFor();
    await first.setOffline(true);
    const words = `The audition I walked out of ${randomBytes(3).toString('hex')}`;
    await page.getByLabel('Title').fill(words);
    await page.getByLabel('What happened?').fill('I got to the door, heard the others, and went home without trying.');
    await page.locator('.save-status', { hasText: 'Not saved on Setback yet' }).waitFor();
    await page.locator('.connection-banner', { hasText: 'You are offline' }).waitFor();
    // leaving inside the app asks first
    await page.locator('#site-header').getByRole('link', { name: 'Notifications' }).click();
    const ask = page.getByRole('dialog', { name: 'Leave this page?' });
    await ask.waitFor();
    await shot(page, 'leave-asks-first');
    await ask.getByRole('button', { name: 'Stay on this page' }).click();
    await expect(page.getByLabel('Title').inputValue()).resolves.toBe(words);

    const kept = await first.storageState();
    await first.close();
    expect((await drafts(member)).filter((d) => d.key === 'new-story')).toEqual([]);

    const again = await b.page('online again', await b.context(member, { storageState: kept }));
    await again.goto('/stories/new');
    const offer = again.locator('.unsent-words');
    await offer.getByText('You have unsent words from').waitFor();
    await shot(again, 'story-words-offered-back');
    await expect(again.getByLabel('Title').inputValue()).resolves.toBe('');
    expect((await drafts(member)).filter((d) => d.key === 'new-story')).toEqual([]);
    await offer.getByRole('button', { name: 'Restore' }).click();
    await expect(again.getByLabel('Title').inputValue()).resolves.toBe(words);
    await again.locator('.save-status', { hasText: 'Saved' }).waitFor();
    expect((await drafts(member)).find((d) => d.key === 'new-story')?.data.title).toBe(words);
  });
});

