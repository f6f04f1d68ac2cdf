import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { registerMember } from '../support/app.js';
import { createReply, createStory } from '../support/factories.js';
import { BrowserHarness, requireBrowser, runAxe, SCREENSHOT_DIR, seriousViolations } from '../support/browser.js';

const ok = requireBrowser('browser: lessons, similar stories and the waiting list');
jest.setTimeout(120_000);

// test files share one database: every story here carries a made-up word of this run (letters only: one search word)
const word = (): string => `zq${randomBytes(6).toString('hex').replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]!)}`;

(ok ? describe : describe.skip)('browser: lessons, similar stories and the waiting list', () => {
  const b = new BrowserHarness();
  beforeAll(() => b.start(), 90_000);
  afterAll(() => b.stop(), 60_000);
  afterEach(() => b.finish(), 60_000);

  it('finds lessons from the header: search, category, order, an empty search, and a lesson leads to its story', async () => {
    const w = word();
    const [ann, bob, reader] = [await registerMember(b.app), await registerMember(b.app), await registerMember(b.app)];
    const slow = await createStory(b.app, ann, {
      title: `The ${w} launch that nobody came to`,
      category: 'business',
      learned: `Talk to ten customers **before** building anything. The ${w} taught me that a quiet launch is information, not a verdict.`,
    });
    const sleep = await createStory(b.app, bob, {
      title: `Failing the ${w} exam twice`,
      category: 'school',
      anonymous: true,
      learned: `Sleep matters more than one more night of revision. I passed the ${w} exam the third time, rested.`,
    });
    await b.app.http().put(`/api/threads/${sleep.id}/reactions/helped`).set('Cookie', ann.cookie).expect(200);

    const page = await b.page('lessons', reader, { bypassCSP: true });
    await page.goto('/');
    await page.locator('#site-header').getByRole('link', { name: 'Lessons' }).click();
    await page.waitForURL('**/lessons');
    await page.getByRole('heading', { name: 'Lessons', level: 1 }).waitFor();

    await page.getByLabel('Search lessons').fill(w);
    await page.waitForURL(new RegExp(`q=${w}`));
    await page.locator('.story-region[aria-busy="false"]').waitFor();
    const cards = page.locator('.lesson-card');
    await cards.nth(1).waitFor();
    expect(await cards.count()).toBe(2);
    // searching orders by best match; "Helped most" puts the lesson someone found helpful first
    await expect(page.getByLabel('Order').inputValue()).resolves.toBe('relevant');
    await page.getByLabel('Order').selectOption('helped');
    await page.waitForURL(/sort=helped/);
    await cards.first().getByRole('link', { name: `Failing the ${w} exam twice` }).waitFor();
    await cards.first().getByText('Helped 1 person').waitFor();
    // an anonymous story shows its pseudonym, never the account
    expect(await cards.first().textContent()).not.toContain(bob.username);
    await cards.nth(1).locator('strong', { hasText: 'before' }).waitFor();

    await page.getByLabel('Category').selectOption('business');
    await page.waitForURL(/category=business/);
    await cards.nth(1).waitFor({ state: 'detached' });
    await cards.first().getByRole('link', { name: `The ${w} launch that nobody came to` }).waitFor();
    // no serious accessibility problem, light and dark (this reloads the same list from its address)
    expect(await seriousViolations([{ page, path: `/lessons?q=${w}&sort=helped`, ready: '.lesson-card' }])).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
    await cards.nth(1).waitFor();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'lessons-page.png') });

    // nothing found: said, with a way back
    await page.getByLabel('Search lessons').fill(`${w}nothing`);
    await page.getByText('No lessons match.').waitFor();
    await page.getByRole('button', { name: 'Show every lesson' }).click();
    await cards.first().waitFor();

    await page.getByLabel('Search lessons').fill(w);
    await page.getByRole('link', { name: `The ${w} launch that nobody came to` }).click();
    await page.waitForURL(`**/stories/${slow.id}`);
    await page.getByRole('heading', { name: `The ${w} launch that nobody came to`, level: 1 }).waitFor();
  });

  it('shows similar stories while composing, opening in a new tab, and "Stories like this one" under a story', async () => {
    const [ann, writer] = [await registerMember(b.app), await registerMember(b.app)];
    const w = word();
    const earlier = await createStory(b.app, ann, {
      title: `Our ${w} bakery closed after two winters`,
      category: 'business',
      happened: `We opened the ${w} bakery on the high street and closed it two winters later, with the debts.`,
    });
    const other = await createStory(b.app, ann, {
      title: `The ${w} bakery van broke down`,
      category: 'business',
      happened: `The ${w} bakery van broke down on the morning of the biggest order we ever had.`,
    });

    const page = await b.page('composer', writer, { bypassCSP: true });
    await page.goto('/stories/new');
    await page.getByLabel('Title').waitFor();
    const panel = page.locator('aside.similar-compose');
    await page.getByLabel('Title').fill(`Closing my ${w} bakery`);
    await page.getByLabel('What happened?').fill(`I had to close the ${w} bakery after two hard winters and I still owe money.`);
    await panel.getByRole('heading', { name: 'Others have been through something like this' }).waitFor();
    const link = panel.getByRole('link', { name: `Our ${w} bakery closed after two winters` });
    await link.waitFor();
    await expect(link.getAttribute('target')).resolves.toBe('_blank');
    await panel.getByText('(opens in a new tab)').first().waitFor({ state: 'attached' });
    const serious = (await runAxe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(serious).toEqual([]);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    // the form from its title down to the similar stories
    const form = (await page.locator('form.compose-form').boundingBox())!;
    const title = (await page.getByLabel('Title').boundingBox())!;
    const shown = (await panel.boundingBox())!;
    const top = Math.max(form.y, title.y - 70);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'similar-in-composer.png'), fullPage: true, clip: { x: form.x, y: top, width: form.width, height: shown.y + shown.height + 16 - top } });
    // the draft stays: the story opens in another tab
    const [opened] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await opened.waitForURL(`**/stories/${earlier.id}`);
    await expect(page.getByLabel('Title').inputValue()).resolves.toBe(`Closing my ${w} bakery`);
    await opened.getByRole('heading', { name: `Our ${w} bakery closed after two winters`, level: 1 }).waitFor();
    // under the story: the other bakery story, never itself
    const under = opened.locator('section.similar-story');
    await under.getByRole('heading', { name: 'Stories like this one' }).waitFor();
    await under.getByRole('link', { name: `The ${w} bakery van broke down` }).waitFor();
    expect(await under.getByRole('link', { name: `Our ${w} bakery closed after two winters` }).count()).toBe(0);
    await under.getByRole('link', { name: `The ${w} bakery van broke down` }).click();
    await opened.waitForURL(`**/stories/${other.id}`);
    await opened.close();
  });

  it('lists a story in "Waiting for a first reply" until someone else answers it', async () => {
    const [ann, bob] = [await registerMember(b.app), await registerMember(b.app)];
    const w = word();
    const story = await createStory(b.app, ann, { title: `Still waiting ${w}`, category: 'everyday' });
    await createReply(b.app, ann, story.id, { body: 'A little more about it, from me.' });

    const page = await b.page('waiting', bob);
    await page.goto('/?category=everyday');
    await page.getByRole('navigation', { name: 'Which stories' }).getByRole('link', { name: 'Waiting for a first reply' }).click();
    await page.getByRole('heading', { name: 'Waiting for a first reply', level: 1 }).waitFor();
    await expect(page.getByRole('link', { name: 'Waiting for a first reply' }).getAttribute('aria-current')).resolves.toBe('page');
    await page.getByLabel('Category').selectOption('everyday');
    // oldest first, in a database other test files share: load more until every page is shown (bounded)
    const mine = page.getByRole('link', { name: `Still waiting ${w}` });
    const region = page.locator('.story-region[aria-busy="false"]');
    const showAll = async () => {
      await region.waitFor();
      const more = page.getByRole('button', { name: 'Load more stories' });
      for (let i = 0; i < 40 && (await more.isVisible()); i++) {
        await more.click();
        await region.waitFor();
      }
    };
    await page.locator('.story-card').first().waitFor();
    await showAll();
    await mine.waitFor();

    // someone else answers: the story leaves the list
    await createReply(b.app, bob, story.id, { body: 'I hear you. That sounds hard.' });
    await page.reload();
    await page.getByRole('heading', { name: 'Waiting for a first reply', level: 1 }).waitFor();
    await page.locator('.story-card, .state-empty').first().waitFor();
    await showAll();
    expect(await mine.count()).toBe(0);
  });
});
