import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { registerMember } from '../support/app.js';
import { createStory } from '../support/factories.js';
import { BrowserHarness, requireBrowser, runAxe } from '../support/browser.js';

const ok = requireBrowser('browser: safety mode');
jest.setTimeout(180_000);

// SAFETY_MODE=on: the banner and the holds, whoever is on duty (test files share the database, and shifts with it).
(ok ? describe : describe.skip)('browser: safety mode', () => {
  const b = new BrowserHarness();
  beforeAll(() => b.start({ SAFETY_MODE: 'on' }), 90_000);
  afterAll(() => b.stop(), 60_000);
  afterEach(() => b.finish(), 60_000);

  it('shows visitors and members a calm banner with the crisis lines while no moderator is on duty', async () => {
    const visitor = await b.page('visitor');
    await visitor.goto('/welcome');
    const banner = visitor.getByRole('complementary', { name: 'No moderator on duty' });
    await banner.getByText('No moderator is on duty right now. Posts that mention crisis wait for a moderator.').waitFor();
    await expect(banner.getByRole('link', { name: 'get help now' }).getAttribute('href')).resolves.toBe('/help');
    await banner.getByText('Crisis lines you can reach at any time').click();
    await banner.getByText('Samaritans (UK & Ireland)').waitFor();

    const member = await registerMember(b.app);
    const page = await b.page('member', member, { bypassCSP: true }); // axe is injected as a script
    await page.goto('/');
    const open = page.getByRole('complementary', { name: 'No moderator on duty' });
    await open.getByText('No moderator is on duty right now.', { exact: false }).waitFor();
    await open.getByText('Crisis lines you can reach at any time').click();
    // the page with the banner open, in light and dark: no serious or critical accessibility problem. Each scheme
    // on a freshly loaded page: in CI, a page switched in place by the emulation kept some cards in the light colours
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      if (colorScheme === 'dark') {
        await page.reload();
        await open.getByText('Crisis lines you can reach at any time').click();
        await open.getByText('Samaritans (UK & Ireland)').waitFor();
      }
      const bad = (await runAxe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(bad).toEqual([]);
    }
  });

  it('offers a content warning before a crisis story is posted, and tells its author kindly that it waits for a moderator', async () => {
    const member = await registerMember(b.app);
    const page = await b.page('author', member);
    await page.goto('/stories/new');
    await page.getByRole('heading', { name: 'Write a story', level: 1 }).waitFor();
    await page.getByLabel('Title').fill('The year the shop closed');
    const category = page.getByLabel('Category');
    await category.locator('option:not([value=""])').first().waitFor({ state: 'attached' });
    await category.selectOption((await category.locator('option:not([value=""])').first().getAttribute('value'))!);
    await page.getByLabel('What happened?').fill('When the shop closed I started thinking about suicide most nights.');
    await page.getByRole('button', { name: 'Publish story' }).click();

    const dialog = page.getByRole('dialog', { name: 'Before you post — are you okay?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Keep as draft' }).waitFor();
    const warning = dialog.getByRole('textbox', { name: 'Content warning' });
    await expect(warning.inputValue()).resolves.toBe('suicide');
    await expect(dialog.getByRole('checkbox', { name: 'Add a content warning' }).isChecked()).resolves.toBe(true);
    await warning.fill('suicidal thoughts');
    await dialog.getByRole('button', { name: 'Post my story' }).click();

    await page.waitForURL(/\/stories\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'The year the shop closed', level: 1 }).waitFor();
    const note = page.getByRole('status').filter({ hasText: 'Your story is waiting for a moderator.' });
    await note.waitFor();
    await note.getByText('Samaritans (UK & Ireland)').waitFor();
    await page.getByText('suicidal thoughts').first().waitFor();
    const id = page.url().split('/').pop()!;
    const [row] = await b.app.db.dataSource.query('SELECT status, crisis, content_warning FROM threads WHERE id = $1', [id]);
    expect(row).toEqual({ status: 'pending', crisis: true, content_warning: 'suicidal thoughts' });
  });

  it('checks a reply for words of crisis before it goes, and tells its author kindly that it waits for a moderator', async () => {
    const author = await registerMember(b.app);
    const replier = await registerMember(b.app);
    const story = await createStory(b.app, author);
    const page = await b.page('replier', replier);
    await page.goto(`/stories/${story.id}`);
    const box = page.getByLabel('Your reply');
    await box.fill('Reading this, I want to die some days too.');
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Before you post — are you okay?' });
    await dialog.getByRole('button', { name: 'Keep writing' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect(box.inputValue()).resolves.toBe('Reading this, I want to die some days too.');

    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    await dialog.getByRole('button', { name: 'Post my reply' }).click();
    const note = page.getByRole('status').filter({ hasText: 'Your reply is waiting for a moderator.' });
    await note.waitFor();
    await note.getByText('Samaritans (UK & Ireland)').waitFor();
    const [row] = await b.app.db.dataSource.query('SELECT status, crisis FROM replies WHERE thread_id = $1', [story.id]);
    expect(row).toEqual({ status: 'pending', crisis: true });
  });
});
