import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import { registerMember, setRole, type Member } from '../support/app.js';
import { BrowserHarness, requireBrowser, runAxe, type AxeViolation } from '../support/browser.js';
import { createReply, createStory } from '../support/factories.js';

const ok = requireBrowser('browser: moderation');
jest.setTimeout(180_000);

// The page's globals, for code that runs in the browser.
declare const window: { __stayed?: number };

/** Opens a story and waits until its replies are loaded and the live connection has joined it. */
async function openStory(page: Page, id: string): Promise<void> {
  await page.goto(`/stories/${id}`);
  await page.locator('h1.story-title').waitFor();
  await page.locator('.replies[aria-busy="false"]').waitFor();
  await page.locator('.presence:not([hidden])').waitFor();
}

/** The review queue's item with this text, pressing "Load more posts" (by keyboard, if asked) until it is shown. */
async function showInQueue(page: Page, text: string, byKeyboard = false): Promise<Locator> {
  const item = page.locator('.mod-list > li', { hasText: text });
  const more = page.getByRole('button', { name: 'Load more posts' });
  await queueSettled(page);
  for (let i = 0; i < 200 && !(await item.count()); i++) {
    if (byKeyboard) {
      await more.focus();
      await page.keyboard.press('Enter');
    } else await more.click();
    await queueSettled(page);
  }
  return item;
}

/** Waits until the review queue is not loading a page. */
const queueSettled = (page: Page) => page.locator('.mod-body > div[aria-busy="false"]').waitFor();

const serious = (violations: AxeViolation[]) => violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
const describeViolations = (where: string, violations: AxeViolation[]) =>
  violations.map((v) => `${where}: ${v.id} (${v.impact}) ${v.help}\n  ${v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n  ')}`).join('\n');

(ok ? describe : describe.skip)('browser: moderation', () => {
  const b = new BrowserHarness();
  let mod: Member;
  beforeAll(async () => {
    await b.start();
    mod = await registerMember(b.app);
    await setRole(b.app, mod.id, 'moderator');
  }, 90_000);
  afterAll(() => b.stop(), 60_000);
  afterEach(() => b.finish(), 60_000);

  const modLog = async (target: string): Promise<{ action: string; reason: string | null }[]> =>
    (await b.app.http().get('/api/mod/log').query({ target }).set('Cookie', mod.cookie)).body.items;

  it('locks a story from the moderator tools, and a reader’s reply box closes live', async () => {
    const author = await registerMember(b.app);
    const reader = await registerMember(b.app);
    const story = await createStory(b.app, author, { title: 'The bakery that never opened' });
    const a = await b.page('reader', reader);
    const m = await b.page('moderator', mod);
    await openStory(a, story.id);
    await openStory(m, story.id);
    // members never see (nor download) the moderators' tools
    await expect(a.getByRole('region', { name: 'Moderator tools' }).count()).resolves.toBe(0);
    await expect(a.locator('.mod-link').count()).resolves.toBe(0);
    await a.evaluate(() => {
      window.__stayed = 1;
    });
    await a.getByLabel('Your reply').fill('I was about to say something kind');

    const tools = m.getByRole('region', { name: 'Moderator tools' });
    await tools.getByLabel('Reason').fill('Things got heated');
    await tools.getByRole('button', { name: 'Lock', exact: true }).click();
    await tools.getByRole('button', { name: 'Unlock', exact: true }).waitFor();
    await tools.getByText('The story is locked: new replies are closed.').waitFor();

    await a.getByText('This story is locked; new replies are closed.').waitFor();
    await expect(a.getByLabel('Your reply').isDisabled()).resolves.toBe(true);
    await expect(a.getByRole('button', { name: 'Reply', exact: true }).isDisabled()).resolves.toBe(true);
    await expect(a.getByLabel('Your reply').inputValue()).resolves.toBe('I was about to say something kind');
    await a.locator('.card-badges', { hasText: 'Locked' }).waitFor();
    // no reload: the page's own state survived
    await expect(a.evaluate(() => window.__stayed)).resolves.toBe(1);
    expect((await modLog(story.id))[0]).toMatchObject({ action: 'thread.lock', reason: 'Things got heated' });

    // and open again
    await tools.getByRole('button', { name: 'Unlock', exact: true }).click();
    await a.getByText('This story is locked; new replies are closed.').waitFor({ state: 'hidden' });
    await expect(a.getByLabel('Your reply').isDisabled()).resolves.toBe(false);

    // moved to another category: the reader sees the new one live
    await tools.getByLabel('Category').selectOption('money');
    await tools.getByRole('button', { name: 'Move story' }).click();
    await tools.getByText('Moved to Money.').waitFor();
    await a.locator('.story-meta a.category', { hasText: 'Money' }).waitFor();
  });

  it('sets slow mode: the reader sees it live, and a refused reply shows the wait and keeps the text', async () => {
    const author = await registerMember(b.app);
    const reader = await registerMember(b.app);
    const story = await createStory(b.app, author);
    const a = await b.page('reader', reader);
    const m = await b.page('moderator', mod);
    await openStory(a, story.id);
    await openStory(m, story.id);

    const tools = m.getByRole('region', { name: 'Moderator tools' });
    await tools.getByLabel('Slow mode: seconds between replies').fill('120');
    await tools.getByRole('button', { name: 'Set slow mode' }).click();
    await tools.getByText('Slow mode is on: one reply every 120 seconds.').waitFor();
    await a.locator('#main').getByText('Slow mode: one reply every 120 seconds.').waitFor(); // the announcer says it too

    // a reply from another tab of the same reader: this page does not know, and the server says 429
    await createReply(b.app, reader, story.id, { body: 'From my other tab' });
    await a.getByLabel('Your reply').fill('And one more thought');
    await a.getByRole('button', { name: 'Reply', exact: true }).click();
    // the server says the wait in words ("about 2 minutes"), never raw seconds
    await a.getByText(/slow mode: you can reply again in [a-z0-9 ]+\. Your reply is still here\./i).waitFor();
    await a.getByRole('button', { name: /^Reply \(wait \d+ s\)$/ }).waitFor();
    await expect(a.getByLabel('Your reply').inputValue()).resolves.toBe('And one more thought');
  });

  it('tells a member their held reply awaits review until it is approved, and answers words of crisis with support', async () => {
    const author = await registerMember(b.app);
    const writer = await registerMember(b.app);
    const story = await createStory(b.app, author);
    const word = `quibblix${Date.now() % 100000}`;
    await b.app.http().post('/api/mod/watched-words').set('Cookie', mod.cookie).send({ pattern: word, action: 'hold' }).expect(201);
    const w = await b.page('writer', writer);
    await openStory(w, story.id);

    await w.getByLabel('Your reply').fill(`Have you tried ${word}?`);
    await w.getByRole('button', { name: 'Reply', exact: true }).click();
    const mine = w.locator('.reply-list > li', { hasText: word });
    await mine.getByText('Awaiting review — only you and the moderators can see this').waitFor();
    const id = await mine.getAttribute('data-reply-id');
    await b.app.http().post(`/api/mod/queue/${id}/approve`).set('Cookie', mod.cookie).send({}).expect(200);
    await mine.getByText('Awaiting review').waitFor({ state: 'detached' });

    await w.getByLabel('Your reply').fill('Honestly, some days I want to die.');
    await w.getByRole('button', { name: 'Reply', exact: true }).click();
    // the crisis lines come before the reply goes; the buttons say what they do
    const check = w.getByRole('dialog', { name: 'Before you post — are you okay?' });
    await check.getByRole('button', { name: 'Keep writing' }).waitFor();
    await check.getByRole('button', { name: 'Post my reply' }).click();
    const support = w.getByRole('region', { name: 'You are not alone in this' });
    await support.waitFor();
    await expect(support.locator('.resources li').count()).resolves.toBeGreaterThan(0);
  });

  it('hides a reply and reveals an anonymous author, with badges and a logged reveal', async () => {
    const author = await registerMember(b.app);
    const writer = await registerMember(b.app);
    const story = await createStory(b.app, author);
    const named = await createReply(b.app, writer, story.id, { body: 'A reply that went too far' });
    const anon = await createReply(b.app, writer, story.id, { body: 'Said without my name', anonymous: true });
    const a = await b.page('reader', author);
    const m = await b.page('moderator', mod);
    await openStory(a, story.id);
    await openStory(m, story.id);
    // the moderator's link to the member page sits beside the named author
    await expect(m.locator(`#reply-${named.id}`).getByRole('link', { name: `Moderate ${writer.username}` }).getAttribute('href')).resolves.toBe(`/mod/users/${writer.id}`);

    const reply = m.locator(`#reply-${named.id}`);
    await reply.getByRole('button', { name: /^Hide/ }).click();
    await reply.getByLabel('Reason').fill('Unkind to the author');
    await reply.getByRole('button', { name: 'Hide reply' }).click();
    await reply.getByText('Hidden from members').waitFor();
    await reply.getByRole('button', { name: /^Unhide/ }).waitFor();
    await a.locator(`#reply-${named.id}`, { hasText: 'This reply was deleted.' }).waitFor();

    const other = m.locator(`#reply-${anon.id}`);
    await other.getByRole('button', { name: /^Reveal author/ }).click();
    await other.getByRole('button', { name: 'Reveal author', exact: true }).click();
    await other.getByText('Give a reason of at least 3 characters.').waitFor(); // required, checked before sending
    await other.getByLabel('Reason').fill('Threats in the reply');
    await other.getByRole('button', { name: 'Reveal author', exact: true }).click();
    await other.getByText('This reveal was logged with your reason.').waitFor();
    await expect(other.getByRole('link', { name: writer.username }).getAttribute('href')).resolves.toBe(`/mod/users/${writer.id}`);
    expect((await modLog(anon.id))[0]).toMatchObject({ action: 'author.reveal', reason: 'Threats in the reply' });
    // the reader saw none of it
    await expect(a.getByRole('button', { name: /^(Hide the reply|Unhide|Reveal author)/ }).count()).resolves.toBe(0);
  });

  it('bans a member from the member page: their open page says they were signed out and lands on /welcome', async () => {
    const target = await registerMember(b.app);
    const otherMod = await registerMember(b.app);
    await setRole(b.app, otherMod.id, 'moderator');
    const t = await b.page('banned member', target);
    await t.goto('/');
    await t.locator('.live-status[data-state="online"]').waitFor();

    const m = await b.page('moderator', mod);
    // a moderator may not act on another moderator: the refusal is shown kindly
    await m.goto(`/mod/users/${otherMod.id}`);
    await m.getByRole('heading', { name: otherMod.username, level: 2 }).waitFor();
    const suspend = m.getByRole('region', { name: 'Suspend' });
    await suspend.getByLabel('Reason').fill('Testing the rules');
    await suspend.getByRole('button', { name: 'Suspend' }).click();
    await suspend.getByText('Only an admin can act on another moderator or an admin. Nothing was changed.').waitFor();

    await m.goto(`/mod/users/${target.id}`);
    await m.getByRole('heading', { name: target.username, level: 2 }).waitFor();
    await expect(m.getByLabel('Days').inputValue()).resolves.toBe('1'); // the suggested suspension
    const ban = m.getByRole('region', { name: 'Ban' });
    await ban.getByLabel('Reason').fill('Repeated harassment');
    await ban.getByRole('button', { name: `Ban ${target.username}…` }).click();
    // an inline confirmation, not a browser dialog
    await ban.getByRole('group', { name: `Ban ${target.username}?` }).waitFor();
    await ban.getByRole('button', { name: `Ban ${target.username}`, exact: true }).click();

    await t.waitForURL('**/welcome');
    await t.getByText('You were signed out, because the moderators have closed this account.').waitFor();
    await t.getByRole('link', { name: 'Sign in' }).first().waitFor();
    await m.locator("#main").getByText(`${target.username} is banned and was signed out everywhere.`).waitFor(); // the live announcer repeats it
    await m.getByRole('region', { name: 'Unban' }).waitFor();
    expect((await modLog(target.id)).map((l) => l.action)).toEqual(['user.ban']);
  });

  it('lets an admin change a member’s role from the member page, and says so when nothing would change', async () => {
    const admin = await registerMember(b.app);
    await setRole(b.app, admin.id, 'admin');
    const target = await registerMember(b.app);
    const a = await b.page('admin', admin);
    await a.goto(`/mod/users/${target.id}`);
    await a.getByRole('heading', { name: target.username, level: 2 }).waitFor();
    const role = a.getByRole('region', { name: 'Role' });
    await role.getByRole('button', { name: 'Change role' }).click();
    await role.getByText(`${target.username} is already a member.`).waitFor();
    await role.getByRole('combobox', { name: 'Role' }).selectOption('moderator');
    await role.getByRole('button', { name: 'Change role' }).click();
    await a.locator('#main').getByText(`${target.username} is now a moderator.`).waitFor();
    const [row] = await b.app.db.dataSource.query('SELECT role FROM users WHERE id = $1', [target.id]);
    expect(row.role).toBe('moderator');
  });

  it('has no serious or critical axe violations on the moderation screens, light and dark, and they work by keyboard', async () => {
    const author = await registerMember(b.app);
    const writer = await registerMember(b.app);
    const story = await createStory(b.app, author, { title: 'The exam I failed twice', anonymous: true });
    const word = `zorblax${Date.now() % 100000}`;
    await b.app.http().post('/api/mod/watched-words').set('Cookie', mod.cookie).send({ pattern: word, action: 'hold' }).expect(201);
    // a full page of older held replies, so this one waits behind "Load more"
    const older = await createStory(b.app, author, { title: 'A story with many held replies' });
    const fillers: { id: string }[] = await b.app.db.dataSource.query(
      `INSERT INTO replies (thread_id, author_id, body_md, body_html, status) SELECT $1, $2, 'Held ' || g, '<p>Held ' || g || '</p>', 'pending' FROM generate_series(1, 50) g RETURNING id::text AS id`,
      [older.id, writer.id],
    );
    const held = await createReply(b.app, writer, story.id, { body: `Try the ${word} method` });
    expect(held.status).toBe('pending');
    await createReply(b.app, writer, story.id, { body: 'Some days I feel like I want to die.' });
    await b.app.http().post('/api/reports').set('Cookie', author.cookie).send({ targetType: 'user', targetId: writer.id, reason: 'harassment', note: 'Keeps messaging me' }).expect(201);
    for (let i = 0; i < 100; i++) {
      const open = await b.app.http().get('/api/mod/reports').set('Cookie', mod.cookie);
      if (open.body.items.some((r: { reasons: Record<string, number>; threadId: string }) => r.reasons.crisis && r.threadId === story.id)) break;
      await new Promise((r) => setTimeout(r, 50));
    }

    const m = await b.page('moderator', mod, { bypassCSP: true });
    const screens: { path: string; ready: string; open?: (page: Page) => Promise<void> }[] = [
      {
        path: '/mod',
        ready: '.mod-list > li',
        open: async (p) => {
          await (await showInQueue(p, word)).getByRole('button', { name: 'Reject…' }).click();
          await p.getByRole('form', { name: 'Reject this post' }).waitFor();
        },
      },
      { path: '/mod/reports', ready: '.mod-item.is-crisis' },
      { path: '/mod/log', ready: '.mod-list > li' },
      {
        path: '/mod/watched-words',
        ready: '.mod-words > li',
        open: async (p) => {
          await p.locator('.mod-words > li', { hasText: word }).getByRole('button', { name: /^Delete/ }).click();
          await p.getByRole('group', { name: /^Remove “/ }).waitFor();
        },
      },
      { path: `/mod/users/${writer.id}`, ready: 'h2 .badge' },
      { path: `/stories/${story.id}`, ready: '.mod-tools .actions button' },
    ];
    const found: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await m.emulateMedia({ colorScheme: scheme });
      for (const { path, ready, open } of screens) {
        await m.goto(path);
        await m.locator(ready).first().waitFor();
        await m.locator('.state-loading').waitFor({ state: 'detached' });
        if (open && scheme === 'dark') await open(m);
        const bad = serious(await runAxe(m));
        if (bad.length) found.push(describeViolations(`${path} (${scheme})`, bad));
      }
    }
    expect(found.join('\n\n')).toBe('');

    // the sub-navigation: links, the current one marked, and headings in order
    await m.goto('/mod/reports');
    await m.locator('.mod-item').first().waitFor();
    await expect(m.getByRole('navigation', { name: 'Moderation sections' }).getByRole('link', { name: 'Reports' }).getAttribute('aria-current')).resolves.toBe('page');
    const levels = await m.locator('main').locator('h1, h2, h3, h4').evaluateAll((els) => els.map((el) => Number(el.tagName.slice(1))));
    expect(levels[0]).toBe(1);
    for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!).toBeLessThanOrEqual(1);
    // crisis first, marked in words
    await expect(m.locator('.mod-item').first().getByText('Crisis', { exact: true }).count()).resolves.toBe(1);

    // the log, filtered to one target (kept in the address)
    await m.goto('/mod/log');
    await m.locator('.mod-list > li').first().waitFor();
    const total = await m.locator('.mod-list > li').count();
    await m.getByLabel('Show only the entries about').fill(story.id);
    await m.getByRole('button', { name: 'Filter', exact: true }).click();
    await m.waitForURL(`**/mod/log?target=${story.id}`);
    await m.locator('.state-loading').waitFor({ state: 'detached' });
    const filtered = await m.locator('.mod-list > li').count();
    expect(filtered).toBeLessThan(total);
    await m.getByRole('button', { name: 'Show everything' }).click();
    await m.waitForURL('**/mod/log');

    // the queue by keyboard: the next page fails once and is tried again, then approve the held reply
    await m.getByRole('link', { name: 'Review queue' }).focus();
    await m.keyboard.press('Enter');
    await m.waitForURL('**/mod');
    await m.locator('.mod-list > li').first().waitFor();
    await queueSettled(m);
    const more = m.getByRole('button', { name: 'Load more posts' });
    await m.route(/\/api\/mod\/queue\?.*cursor=/, (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ statusCode: 503, code: 'UNAVAILABLE', message: 'Setback is briefly unavailable.' }) }), { times: 1 });
    await more.focus();
    await m.keyboard.press('Enter');
    await m.getByRole('alert').filter({ hasText: "More posts didn't load. Setback is briefly unavailable." }).waitFor();
    await m.getByRole('button', { name: 'Load more posts' }).waitFor(); // still there, to try again
    const item = await showInQueue(m, word, true);
    await expect(m.getByRole('alert').filter({ hasText: "More posts didn't load." }).count()).resolves.toBe(0);
    await item.getByRole('button', { name: 'Approve' }).focus();
    await m.keyboard.press('Enter');
    await item.getByText('Approved: it is now visible to everyone.').waitFor();
    const after = await b.app.http().get(`/api/threads/${story.id}/replies`).set('Cookie', author.cookie);
    expect(after.body.items.find((r: { id: string }) => r.id === held.id)).toMatchObject({ status: 'published' });
    // on the last page the button goes
    for (let i = 0; i < 200 && (await more.isVisible()); i++) {
      await more.click();
      await queueSettled(m);
    }
    await more.waitFor({ state: 'hidden' });
    await b.app.db.dataSource.query(`UPDATE replies SET status = 'rejected' WHERE id = ANY($1::bigint[])`, [fillers.map((f) => f.id)]);

    // a word already on the list
    await m.goto('/mod/watched-words');
    await m.locator('.mod-words > li').first().waitFor();
    await m.getByLabel('Word or phrase').fill(word.toUpperCase());
    await m.getByRole('button', { name: 'Add to the list' }).click();
    await m.getByText('is already on the list.').waitFor();
  });
});
