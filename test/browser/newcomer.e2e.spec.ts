import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { registerMember, uniqueName } from '../support/app.js';
import { BrowserHarness, requireBrowser, tabTo } from '../support/browser.js';
import { createReply, createStory } from '../support/factories.js';

const ok = requireBrowser('browser: a newcomer’s first visit');
jest.setTimeout(120_000);

/** A made-up word the search index has never seen, letters only so no stemmer splits it. */
const rareWord = () => `quill${Array.from(randomBytes(6), (b) => String.fromCharCode(97 + (b % 26))).join('')}`;

(ok ? describe : describe.skip)('browser: a newcomer’s first visit', () => {
  const b = new BrowserHarness();
  beforeAll(() => b.start(), 90_000);
  afterAll(() => b.stop(), 60_000);
  afterEach(() => b.finish(), 60_000);

  it('registers through the UI, writes a three-part story, publishes it and finds it in the list and by search', async () => {
    // someone else's story, so that the search has something to leave out
    const other = await registerMember(b.app);
    const decoy = await createStory(b.app, other, { title: 'A decoy story about baking bread' });
    const word = rareWord();
    const title = `The ${word} exam I failed`;
    const username = uniqueName('newcomer');

    const page = await b.page('newcomer');
    await page.goto('/');
    await page.waitForURL('**/welcome');
    await page.getByRole('main').getByRole('link', { name: 'Join Setback' }).click();
    await page.getByRole('heading', { name: 'Join Setback', level: 1 }).waitFor();
    await page.getByLabel('Username', { exact: true }).fill(username);
    await page.getByLabel('Password', { exact: true }).fill(`pw-${randomBytes(8).toString('hex')}`);
    await page.getByLabel('I accept the community guidelines').check();
    await page.getByLabel('I am 16 or older').check();
    await page.getByRole('button', { name: 'Join Setback' }).click();

    // recovery codes are shown once, when the server gives them
    const codes = page.getByRole('heading', { name: 'Save your recovery codes' });
    const stories = page.getByRole('heading', { name: 'Stories', level: 1 });
    await codes.or(stories).first().waitFor();
    if (await codes.isVisible()) await page.getByRole('button', { name: /saved them/ }).click();
    await stories.waitFor();
    await page.locator('#site-header').getByRole('link', { name: username }).waitFor();

    await page.getByRole('main').getByRole('link', { name: 'Write a story' }).click();
    await page.getByRole('heading', { name: 'Write a story', level: 1 }).waitFor();
    await page.getByLabel('Title').fill(title);
    const category = page.getByLabel('Category');
    await category.locator('option:not([value=""])').first().waitFor({ state: 'attached' });
    const firstCategory = await category.locator('option:not([value=""])').first().getAttribute('value');
    await category.selectOption(firstCategory!);
    await page.getByLabel('What happened?').fill(`I studied for the ${word} exam for a whole term and still failed it.`);
    await page.getByLabel('How did you handle it?').fill('I cried, then I asked the teacher what went wrong.');
    await page.getByLabel('What did you learn?').fill('Asking for feedback early is braver and cheaper than failing twice.');
    await page.getByRole('button', { name: 'Publish story' }).click();

    await page.waitForURL(/\/stories\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    for (const part of ['What happened', 'How I handled it', 'What I learned']) await page.getByRole('heading', { name: part, level: 2, exact: true }).waitFor();
    await expect(page.getByText('Asking for feedback early').isVisible()).resolves.toBe(true);

    // in the list; the decoy's author answers it first, so it sits near the top even when other test files
    // (sharing the database in CI) have published many stories since it was written
    await createReply(b.app, other, decoy.id);
    await page.getByRole('link', { name: 'All stories' }).click();
    await stories.waitFor();
    await page.getByRole('link', { name: title }).waitFor();
    await page.getByRole('link', { name: decoy.title as string }).waitFor();

    // and by search, without the decoy
    await page.getByLabel('Search stories').fill(word);
    await page.waitForURL(new RegExp(`q=${word}`));
    await page.getByRole('link', { name: title }).waitFor();
    await page.getByRole('link', { name: decoy.title as string }).waitFor({ state: 'detached' });
    await expect(page.locator('.story-list > li').count()).resolves.toBe(1);
  });

  it('lets a member sign in, open a story, react and reply with the keyboard alone', async () => {
    const author = await registerMember(b.app);
    // a title of its own: other test files share the database and the front page
    const story = await createStory(b.app, author, { title: `The marathon I left at mile ${10 + Math.floor(Math.random() * 16)}, ${randomBytes(2).toString('hex')}` });
    const me = await registerMember(b.app);

    const page = await b.page('keyboard');
    await page.goto('/signin');
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();

    await tabTo(page, (f) => f.tag === 'input' && f.label === 'Username', 'the username field');
    await page.keyboard.type(me.username);
    await tabTo(page, (f) => f.tag === 'input' && f.label === 'Password', 'the password field');
    await page.keyboard.type(me.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Stories', level: 1 }).waitFor();
    await page.getByRole('link', { name: story.title as string }).waitFor();

    await tabTo(page, (f) => f.tag === 'a' && f.name === story.title, 'the story’s link');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: story.title as string, level: 1 }).waitFor();
    await page.locator('.replies[aria-busy="false"]').waitFor();

    const meToo = page.locator('.story-article .reaction-relate');
    await tabTo(page, (f) => f.tag === 'button' && f.name.startsWith('Me too') && f.pressed === 'false', 'the story’s “Me too” button');
    await page.keyboard.press('Space');
    await page.locator('.story-article .reaction-relate[aria-pressed="true"]').waitFor();
    await expect(meToo.locator('.count').textContent()).resolves.toContain('1');

    await tabTo(page, (f) => f.tag === 'textarea' && f.label === 'Your reply', 'the reply box');
    const text = `Finishing isn't everything — ${randomBytes(3).toString('hex')}`;
    await page.keyboard.type(text);
    await tabTo(page, (f) => f.tag === 'button' && f.name === 'Reply', 'the Reply button');
    await page.keyboard.press('Enter');
    const reply = page.locator('.reply-list > li', { hasText: text });
    await reply.waitFor();
    await expect(reply.getByRole('link', { name: me.username }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Your reply').inputValue()).resolves.toBe('');

    // the reaction held on the server
    const res = await b.app.http().get(`/api/threads/${story.id}`).set('Cookie', me.cookie);
    expect(res.body.myReactions).toEqual(['relate']);
  });
});
