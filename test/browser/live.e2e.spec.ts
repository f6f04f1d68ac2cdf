import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { registerMember } from '../support/app.js';
import { BrowserHarness, requireBrowser } from '../support/browser.js';

// The page's globals, for code that runs in the browser.
declare const window: { scrollTo(x: number, y: number): void; scrollY: number };
import { createReply, createStory } from '../support/factories.js';

const ok = requireBrowser('browser: live replies');
jest.setTimeout(120_000);

/** The ids of the replies on screen, in DOM order. */
const replyIds = (page: Page) => page.locator('.reply-list > li').evaluateAll((els) => els.map((el) => el.getAttribute('data-reply-id') ?? ''));

/** Opens a story and waits until its replies are loaded and the live connection has joined it. */
async function openStory(page: Page, id: string, title: string): Promise<void> {
  await page.goto(`/stories/${id}`);
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
  await page.locator('.replies[aria-busy="false"]').waitFor();
  await page.locator('.live-status[data-state="online"]').waitFor();
  await page.locator('.presence:not([hidden])').waitFor(); // the join answered with the number of readers
}

(ok ? describe : describe.skip)('browser: live replies', () => {
  const b = new BrowserHarness();
  beforeAll(() => b.start(), 90_000);
  afterAll(() => b.stop(), 60_000);
  afterEach(() => b.finish(), 60_000);

  it('shows a reply written in another browser within 2 s, and that someone was writing it', async () => {
    const ann = await registerMember(b.app);
    const bob = await registerMember(b.app);
    const story = await createStory(b.app, ann, { title: 'The shop I had to close' });
    const a = await b.page('a', ann);
    const bp = await b.page('b', bob);
    await openStory(a, story.id, story.title as string);
    await openStory(bp, story.id, story.title as string);
    await a.locator('.presence', { hasText: '2 reading' }).waitFor();

    const text = `You were brave to open it at all ${randomBytes(3).toString('hex')}`;
    const writing = a.locator('.typing-indicator', { hasText: '1 person is writing…' });
    await bp.getByLabel('Your reply').click();
    await bp.keyboard.type(text.slice(0, 12), { delay: 20 });
    await writing.waitFor(); // while B is still typing
    await bp.keyboard.type(text.slice(12), { delay: 5 });
    await expect(a.locator('.typing-indicator [role="status"]').textContent()).resolves.toBe('1 person is writing…');

    const posted = bp.waitForResponse((r) => r.url().endsWith(`/api/threads/${story.id}/replies`) && r.request().method() === 'POST');
    await bp.getByRole('button', { name: 'Reply', exact: true }).click();
    const response = await posted;
    expect(response.status()).toBe(201);
    const { id } = (await response.json()) as { id: string };
    const sentAt = Date.now();
    await a.locator(`#reply-${id}`, { hasText: text }).waitFor({ timeout: 2000 });
    expect(Date.now() - sentAt).toBeLessThan(2000);
    await expect(replyIds(a)).resolves.toEqual([id]);
    // B sees its own reply once, not again from the socket
    await expect(replyIds(bp)).resolves.toEqual([id]);
    // A was not scrolled away: the new reply was offered, or is in view
    await expect(a.locator(`#reply-${id} .reply-author`).textContent()).resolves.toContain(bob.username);
  });

  it('catches up after going offline: five replies missed, shown once each and in order', async () => {
    const ann = await registerMember(b.app);
    const bob = await registerMember(b.app);
    const story = await createStory(b.app, ann, { title: 'The bridge exam' });
    const first = await createReply(b.app, bob, story.id, { body: 'Before the drop' });
    const context = await b.context(ann);
    const a = await b.page('a', context);
    // every socket.io frame A receives, to tell how the missed replies came
    const frames: string[] = [];
    a.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
    await openStory(a, story.id, story.title as string);
    await expect(replyIds(a)).resolves.toEqual([first.id]);

    await context.setOffline(true);
    await a.locator('.live-status[data-state="offline"]', { hasText: 'Offline' }).waitFor();

    const posted: string[] = [];
    for (let i = 1; i <= 5; i++) posted.push((await createReply(b.app, bob, story.id, { body: `While you were away ${i}` })).id);
    // an edit while away arrives through `changed`
    await b.app.http().patch(`/api/replies/${first.id}`).set('Cookie', bob.cookie).send({ body: 'Before the drop, edited' }).expect(200);

    await context.setOffline(false);
    await a.locator('.live-status[data-state="online"]', { hasText: 'Online' }).waitFor();
    await a.locator(`#reply-${posted[4]}`).waitFor();
    const ids = await replyIds(a);
    expect(ids).toEqual([first.id, ...posted]);
    expect(new Set(ids).size).toBe(ids.length);
    await a.locator(`#reply-${first.id}`, { hasText: 'Before the drop, edited' }).waitFor();
    for (let i = 1; i <= 5; i++) await expect(a.locator(`#reply-${posted[i - 1]}`).textContent()).resolves.toContain(`While you were away ${i}`);
    // they came in the rejoin's answer (an ack, "43…"), not as live events the offline socket could not have had
    expect(frames.some((f) => f.startsWith('43') && f.includes('"missed"') && f.includes(`"id":"${posted[0]}"`))).toBe(true);
    expect(frames.some((f) => f.startsWith('42["reply.created"') && f.includes(`"id":"${posted[0]}"`))).toBe(false);
    // the reader was told, without the page jumping, that new replies came
    await expect(a.locator('.reply-count').textContent()).resolves.toBe(' (6)');

    // and live delivery goes on after the catch-up, still once each
    const after = await createReply(b.app, bob, story.id, { body: 'Back again' });
    await a.locator(`#reply-${after.id}`).waitFor();
    await expect(replyIds(a)).resolves.toEqual([first.id, ...posted, after.id]);
  });

  it('pages the rest over REST when more replies were missed than the rejoin carries', async () => {
    const ann = await registerMember(b.app);
    const bob = await registerMember(b.app);
    const story = await createStory(b.app, ann, { title: 'The band that broke up' });
    const context = await b.context(ann);
    const a = await b.page('a', context);
    await openStory(a, story.id, story.title as string);
    await context.setOffline(true);
    await a.locator('.live-status[data-state="offline"]').waitFor();
    // 230 replies at once, straight into the database (more than the 200 a join carries)
    await b.app.db.dataSource.query(
      `INSERT INTO replies (thread_id, author_id, body_md, body_html) SELECT $1, $2, 'r' || g, '<p>r' || g || '</p>' FROM generate_series(1, 230) g`,
      [story.id, bob.id],
    );
    const rows: { id: string }[] = await b.app.db.dataSource.query('SELECT r.id::text AS id FROM replies r WHERE r.thread_id = $1 ORDER BY r.id', [story.id]);
    await context.setOffline(false);
    await a.locator(`#reply-${rows[rows.length - 1].id}`).waitFor();
    const ids = await replyIds(a);
    expect(ids).toEqual(rows.map((r) => r.id));
  });

  it('offers "N new replies" instead of moving a reader who scrolled away, and takes them there', async () => {
    const ann = await registerMember(b.app);
    const bob = await registerMember(b.app);
    const story = await createStory(b.app, ann, { title: 'The garden that would not grow' });
    for (let i = 0; i < 12; i++) await createReply(b.app, bob, story.id, { body: `Earlier reply ${i}\n\nwith a second paragraph` });
    const a = await b.page('a', ann);
    await openStory(a, story.id, story.title as string);
    await a.evaluate(() => window.scrollTo(0, 0));
    const pill = a.getByRole('button', { name: /^\d+ new repl/ });
    await expect(pill.isHidden()).resolves.toBe(true);

    const r1 = await createReply(b.app, bob, story.id, { body: 'Live one' });
    const r2 = await createReply(b.app, bob, story.id, { body: 'Live two' });
    await a.locator(`#reply-${r2.id}`).waitFor();
    await pill.filter({ hasText: '2 new replies' }).waitFor();
    await expect(a.evaluate(() => window.scrollY)).resolves.toBe(0); // not moved
    await pill.click();
    await a.locator(`#reply-${r1.id}:focus`).waitFor();
    await expect(pill.isHidden()).resolves.toBe(true);
    await expect(a.locator(`#reply-${r1.id}`).isVisible()).resolves.toBe(true);
  });
});
