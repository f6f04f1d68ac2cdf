import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { XSS_PAYLOADS } from '../support/xss-payloads.js';
import { registerMember } from '../support/app.js';
import { BrowserHarness, requireBrowser, runAxe, type AxeViolation } from '../support/browser.js';
import { createReply, createStory } from '../support/factories.js';

const ok = requireBrowser('browser: safety and accessibility');
jest.setTimeout(180_000);

// The page's globals, for code that runs in the browser.
declare const window: { __xss?: unknown };
declare const document: { querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null }> };

/**
 * Each payload twice: as written (alert → a dialog would fail the test) and trying to set window.__xss. The
 * API refuses NUL characters outright, so those few are left out here.
 */
const PAYLOADS = XSS_PAYLOADS.filter((p) => !p.includes('\u0000')).flatMap((p) => [p, p.replace(/alert\([^)]*\)|msgbox\([^)]*\)/g, 'window.__xss=1')]);

/** Payloads joined into chunks no longer than `max` characters. */
function chunks(max: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const p of PAYLOADS) {
    if (current && current.length + p.length + 2 > max) {
      out.push(current);
      current = '';
    }
    current = current ? `${current}\n\n${p}` : p;
  }
  if (current) out.push(current);
  return out;
}

async function expectNoScriptRan(page: Page): Promise<void> {
  await expect(page.evaluate(() => window.__xss)).resolves.toBeUndefined();
  // whatever the sanitizer let through: links only to http(s)/mailto, no handlers, no scripts or frames
  const hrefs = await page.evaluate(() => Array.from(document.querySelectorAll('main a[href]')).map((a) => a.getAttribute('href') ?? ''));
  for (const href of hrefs) expect(href).toMatch(/^(https?:|mailto:|\/|#)/i);
  await expect(page.locator('main script, main iframe, main object, main embed, main [onerror], main [onload], main [style]').count()).resolves.toBe(0);
}

const serious = (violations: AxeViolation[]) => violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
const describeViolations = (where: string, violations: AxeViolation[]) =>
  violations.map((v) => `${where}: ${v.id} (${v.impact}) ${v.help}\n  ${v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n  ')}`).join('\n');

(ok ? describe : describe.skip)('browser: safety and accessibility', () => {
  const b = new BrowserHarness();
  beforeAll(() => b.start(), 90_000);
  afterAll(() => b.stop(), 60_000);
  afterEach(() => b.finish(), 60_000);

  it('renders a story and replies made of XSS payloads as harmless text and sanitized HTML', async () => {
    const ann = await registerMember(b.app);
    const bob = await registerMember(b.app);
    const parts = chunks(19_000);
    const story = await createStory(b.app, ann, {
      title: '<img src=x onerror=window.__xss=1> "><script>window.__xss=1</script>',
      happened: parts[0],
      handled: parts[1] ?? PAYLOADS[0],
      learned: parts.slice(2).join('\n\n') || PAYLOADS[1],
      contentWarning: '<svg onload=window.__xss=1>',
    });
    const bodies = chunks(9_000);
    // some replies are there before the page opens (REST), the rest arrive while it is open (socket)
    const before = await createReply(b.app, bob, story.id, { body: bodies[0] });
    await createReply(b.app, bob, story.id, { body: bodies[1] ?? PAYLOADS[2], anonymous: true });

    const page = await b.page('xss', ann);
    await page.goto(`/stories/${story.id}`);
    await page.locator('h1.story-title').waitFor();
    await expect(page.locator('h1.story-title').textContent()).resolves.toBe(story.title);
    await expect(page.locator('.cw-text').textContent()).resolves.toContain('<svg onload=window.__xss=1>');
    const show = page.getByRole('button', { name: 'Show' });
    if (await show.isVisible()) await show.click();
    await page.locator(`#reply-${before.id}`).waitFor();
    await page.locator('.live-status[data-state="online"]').waitFor();
    await page.locator('.presence:not([hidden])').waitFor();

    const live = [];
    for (const body of bodies.slice(2)) live.push(await createReply(b.app, bob, story.id, { body }));
    live.push(await createReply(b.app, bob, story.id, { body: PAYLOADS.slice(0, 40).join('\n\n') }));
    for (const r of live) await page.locator(`#reply-${r.id}`).waitFor();
    await expectNoScriptRan(page);

    // the same text on the other screens: list, search, profile, notifications
    for (const path of ['/', `/?q=${encodeURIComponent('onerror')}`, `/u/${ann.username}`, '/notifications']) {
      await page.goto(path);
      await page.locator('main h1').waitFor();
      await page.locator('main [aria-busy="true"]').waitFor({ state: 'detached' }).catch(() => undefined);
      await page.locator('.state-loading').waitFor({ state: 'detached' });
      await expectNoScriptRan(page);
    }
    await page.getByText(`replied to your story`).first().waitFor();
    expect(b.problems()).toEqual([]);
  });

  it('has no serious or critical axe violations on the main screens, light and dark', async () => {
    const ann = await registerMember(b.app);
    const bob = await registerMember(b.app);
    const story = await createStory(b.app, ann, { title: 'The promotion that went to someone else', contentWarning: 'disappointment' });
    await createReply(b.app, bob, story.id, { body: 'That sounds **really** hard. [More](https://example.com)' });
    await createReply(b.app, bob, story.id, { body: 'Thinking of you.', anonymous: true });

    const visitor = await b.page('visitor', undefined, { bypassCSP: true });
    const member = await b.page('member', ann, { bypassCSP: true });
    const screens: { page: Page; path: string; ready: string }[] = [
      { page: visitor, path: '/welcome', ready: 'h1#welcome-title' },
      { page: visitor, path: '/signup', ready: 'h1#signup-title' },
      { page: member, path: '/', ready: '.story-list > li' },
      { page: member, path: '/stories/new', ready: 'form.compose-form' },
      { page: member, path: `/stories/${story.id}`, ready: '.replies[aria-busy="false"] .reply-list > li' },
      { page: member, path: '/notifications', ready: '.notification-list > li' },
      { page: member, path: `/u/${ann.username}`, ready: '.story-list > li' },
    ];
    const found: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      for (const { page, path, ready } of screens) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(path);
        await page.locator(ready).first().waitFor();
        await page.locator('.state-loading').waitFor({ state: 'detached' });
        const bad = serious(await runAxe(page));
        if (bad.length) found.push(describeViolations(`${path} (${scheme})`, bad));
      }
    }
    // the story once more with its content shown and a reply's report form open
    await member.goto(`/stories/${story.id}`);
    await member.getByRole('button', { name: 'Show' }).click();
    await member.locator('.reply-list > li').first().getByRole('button', { name: /^Report/ }).click();
    await member.getByRole('group', { name: /Report the reply/ }).or(member.locator('.report-form')).first().waitFor();
    const bad = serious(await runAxe(member));
    if (bad.length) found.push(describeViolations('story with report form', bad));
    expect(found.join('\n\n')).toBe('');
  });
});
