import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { registerMember, setRole, type Member } from '../support/app.js';
import { BrowserHarness, requireBrowser, runAxe, type AxeViolation } from '../support/browser.js';
import { createReply, createStory } from '../support/factories.js';

// the header badge's number in the page (0 when hidden), as an expression for waitForFunction
const BADGE_COUNT = `Number(document.querySelector('header .badge-alert')?.textContent?.replace(/\\D/g, '') || 0)`;
const ok = requireBrowser('browser: alerts and grouped reports');
jest.setTimeout(180_000);

// the page's own function, for code that runs in the browser
declare const getComputedStyle: (el: unknown) => { filter: string };

const serious = (violations: AxeViolation[]) => violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');

(ok ? describe : describe.skip)('browser: alerts and grouped reports', () => {
  const b = new BrowserHarness();
  let mod: Member;
  beforeAll(async () => {
    await b.start();
    mod = await registerMember(b.app);
    await setRole(b.app, mod.id, 'moderator');
  }, 90_000);
  afterAll(() => b.stop(), 60_000);
  afterEach(() => b.finish(), 60_000);

  it('shows a new alert live as a header badge, the post blurred until the moderator reads it, and marks it done', async () => {
    const m = await b.page('moderator', mod, { bypassCSP: true }); // axe is injected as a script
    await m.goto('/mod/alerts');
    await m.getByRole('heading', { name: 'Alerts', level: 2 }).waitFor();
    await m.locator('.mod-body > div[aria-busy="false"]').waitFor();
    const badge = m.locator('header .badge-alert');
    const before = (await badge.isHidden()) ? 0 : Number((await badge.innerText()).replace(/\D/g, ''));

    const author = await registerMember(b.app);
    const story = await createStory(b.app, author, { title: 'I do not know who to tell', happened: 'Some nights I want to die and nobody knows.' });
    // live: the badge counts it and the open list gains its card, without a reload
    // at least one more (other test files share the database and may raise alerts meanwhile)
    await m.waitForFunction(`${BADGE_COUNT} > ${before}`);
    const card = m.locator(`li[data-alert]`, { hasText: 'I do not know who to tell' });
    await card.waitFor();
    await card.getByText('Crisis', { exact: true }).waitFor();
    const words = card.locator('blockquote.mod-veil');
    await expect(words.getAttribute('aria-hidden')).resolves.toBe('true');
    await expect(words.evaluate((el) => getComputedStyle(el).filter)).resolves.toContain('blur');
    await card.getByRole('button', { name: 'Read the post' }).click();
    await expect(words.getAttribute('aria-hidden')).resolves.toBeNull();
    await expect(words.evaluate((el) => getComputedStyle(el).filter)).resolves.toBe('none');
    await expect(words.innerText()).resolves.toContain('want to die');
    await expect(card.getByRole('link', { name: 'I do not know who to tell' }).getAttribute('href')).resolves.toBe(`/stories/${story.id}`);

    const bad = serious(await runAxe(m));
    expect(bad.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    const raised = Number((await badge.innerText()).replace(/\D/g, ''));
    await card.getByLabel('What was done').fill('Wrote to them with the resources');
    await card.getByRole('button', { name: 'Mark done' }).click();
    await card.getByText('Marked done. Thank you for looking after them.').waitFor();
    await m.waitForFunction(`${BADGE_COUNT} < ${raised}`);
    const done = await b.app.http().get('/api/mod/alerts').query({ status: 'done' }).set('Cookie', mod.cookie);
    expect(done.body.items.find((a: { targetId: string }) => a.targetId === story.id)).toMatchObject({ note: 'Wrote to them with the resources' });
  });

  it('shows reports grouped per post with counts, and needs a reason to remove, offering kind templates', async () => {
    const author = await registerMember(b.app);
    const writer = await registerMember(b.app);
    const story = await createStory(b.app, author, { title: 'The shop I had to close' });
    const reply = await createReply(b.app, writer, story.id, { body: 'Honestly you deserved to fail.' });
    for (const reason of ['harmful', 'harassment']) {
      const reporter = await registerMember(b.app);
      await b.app.http().post('/api/reports').set('Cookie', reporter.cookie).send({ targetType: 'reply', targetId: reply.id, reason, note: `It is ${reason}` }).expect(201);
    }
    const m = await b.page('moderator', mod);
    await m.goto('/mod/reports');
    await m.locator('.mod-body > div[aria-busy="false"]').waitFor();
    const card = m.locator(`li[data-target="reply:${reply.id}"]`);
    for (let i = 0; i < 50 && !(await card.count()); i++) {
      await m.getByRole('button', { name: 'Load more reports' }).click();
      await m.locator('.mod-body > div[aria-busy="false"]').waitFor();
    }
    await card.getByText('Honestly you deserved to fail.').waitFor();
    await card.getByText('Reported by 2 members').waitFor();
    await card.getByText('Harassment', { exact: true }).waitFor();
    await card.getByText('It is harmful').waitFor();

    await card.getByLabel(/^Remove it/).check();
    await card.getByRole('button', { name: 'Resolve all 2 reports' }).click();
    await card.getByText('Give a reason of at least 3 characters.').first().waitFor();
    await card.getByRole('button', { name: 'It broke the community guidelines on kindness.' }).click();
    await expect(card.getByLabel('Reason').inputValue()).resolves.toBe('It broke the community guidelines on kindness.');
    await card.getByRole('button', { name: 'Resolve all 2 reports' }).click();
    await card.getByText(/^Resolved: removed/).waitFor();
    const told = await b.app.http().get('/api/notifications').set('Cookie', writer.cookie);
    expect(told.body.items.map((n: { text: string }) => n.text)).toContainEqual(expect.stringContaining('Reason: It broke the community guidelines on kindness.'));
  });
});
