import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { generate } from 'otplib';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { registerMember, sessionCookie, uniqueName } from '../support/app.js';
import { BrowserHarness, requireBrowser, runAxe, type AxeViolation } from '../support/browser.js';
import { createStory } from '../support/factories.js';

const ok = requireBrowser('browser: the member’s own account');
jest.setTimeout(180_000);

const serious = (violations: AxeViolation[]) => violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
const describeViolations = (where: string, violations: AxeViolation[]) =>
  violations.map((v) => `${where}: ${v.id} (${v.impact}) ${v.help}\n  ${v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n  ')}`).join('\n');

/** Another code than the right one (the server also accepts the codes a step either side). */
const wrongCode = (right: string) => String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');

async function openAccount(page: Page): Promise<void> {
  await page.goto('/account');
  await page.getByRole('heading', { name: 'Your account', level: 1 }).waitFor();
  await page.locator('#leave').waitFor();
}

(ok ? describe : describe.skip)('browser: the member’s own account', () => {
  const b = new BrowserHarness();
  beforeAll(() => b.start(), 90_000);
  afterAll(() => b.stop(), 60_000);
  afterEach(() => b.finish(), 60_000);

  it('takes a break from the account page: a calm banner across the app until the member ends it', async () => {
    const me = await registerMember(b.app);
    const page = await b.page('member', me);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Stories', level: 1 }).waitFor();
    await page.locator('#site-header').getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Your account', level: 1 }).waitFor();
    await page.locator('#break').getByText('You are not on a break.').waitFor();

    await page.getByLabel('How long').selectOption('3');
    await page.getByRole('button', { name: 'Take a break', exact: true }).click();
    const banner = page.locator('.break-banner');
    await banner.getByText(/^You're taking a break until .+\. Notifications are paused\.$/).waitFor();
    await page.locator('#break').getByText(/^You're on a break until/).waitFor();
    const me1 = await b.app.http().get('/api/auth/me').set('Cookie', me.cookie);
    const until = new Date(me1.body.breakUntil).getTime();
    expect(until - Date.now()).toBeGreaterThan(2.9 * 86_400_000);
    expect(until - Date.now()).toBeLessThan(3.1 * 86_400_000);

    // across the app, and after a reload
    await page.getByRole('link', { name: 'Setback', exact: true }).click();
    await page.getByRole('heading', { name: 'Stories', level: 1 }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Stories', level: 1 }).waitFor();
    await banner.waitFor();

    await banner.getByRole('button', { name: 'End my break' }).click();
    await banner.waitFor({ state: 'detached' });
    await page.locator('#announcer').getByText('Your break has ended').waitFor();
    expect((await b.app.http().get('/api/auth/me').set('Cookie', me.cookie)).body.breakUntil).toBeNull();
  });

  it('turns on two-factor sign-in through the QR set-up, then sign-in asks for the code', async () => {
    const me = await registerMember(b.app);
    const page = await b.page('member', me);
    await openAccount(page);
    const section = page.locator('#two-factor');
    await section.getByText('Two-factor sign-in is off.').waitFor();
    await section.getByRole('button', { name: 'Set up two-factor sign-in' }).click();

    const qr = section.getByRole('img', { name: /QR code/ });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    await expect(qr.evaluate((img: { naturalWidth: number }) => img.naturalWidth)).resolves.toBeGreaterThan(0);
    const secret = (await section.locator('code.secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);

    const code = section.getByLabel('Code from your authenticator app');
    const right = await generate({ secret });
    await code.fill(wrongCode(right));
    await section.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await section.getByText('That code is not right').first().waitFor();
    await code.fill(await generate({ secret }));
    await section.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await section.getByText(/^Two-factor sign-in is on\. Signing in will ask/).waitFor();
    await section.getByRole('button', { name: 'Turn off two-factor sign-in' }).waitFor();
    expect((await b.app.http().get('/api/auth/me').set('Cookie', me.cookie)).body.twoFactor).toBe(true);

    // sign out, and back in: the password alone is not enough
    await page.locator('#site-header').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/welcome');
    await page.goto('/signin');
    await page.getByLabel('Username').fill(me.username);
    await page.getByLabel('Password').fill(me.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const field = page.getByLabel('Code from your authenticator app');
    await field.waitFor();
    await expect(field.evaluate((el: { ownerDocument: { activeElement: unknown } }) => el.ownerDocument.activeElement === el)).resolves.toBe(true);
    expect(await field.getAttribute('inputmode')).toBe('numeric');
    expect(await field.getAttribute('autocomplete')).toBe('one-time-code');

    await field.fill(wrongCode(await generate({ secret })));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That code is not right').first().waitFor();
    expect(page.url()).toMatch(/\/signin$/);

    await field.fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Stories', level: 1 }).waitFor();
    await page.locator('#site-header').getByRole('link', { name: me.username }).waitFor();
  });

  it('leaves with "erase": a calm goodbye on the welcome page, and their story shows as removed to others', async () => {
    const author = await registerMember(b.app);
    const reader = await registerMember(b.app);
    const story = await createStory(b.app, author, { title: 'The band I left too late', happened: 'A long paragraph of words that must disappear with the author.' });

    const page = await b.page('leaving', author);
    await openAccount(page);
    const leave = page.locator('#leave');

    // nothing chosen: asked to choose, nothing sent
    await leave.getByRole('button', { name: 'Close my account…' }).click();
    await leave.locator('.field-error', { hasText: 'Choose what happens to what you wrote.' }).waitFor();

    // a wrong password is caught after the confirm step, beside the field
    await leave.getByLabel('Erase my words').check();
    await leave.getByLabel('Your password').fill('not my password');
    await leave.getByRole('button', { name: 'Close my account…' }).click();
    const confirm = leave.getByRole('group', { name: /^Erase everything you wrote/ });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Yes, close my account' }).click();
    await leave.getByText('That password is not right').first().waitFor();
    await confirm.waitFor({ state: 'detached' });
    expect((await b.app.http().get('/api/auth/me').set('Cookie', author.cookie)).status).toBe(200);

    await leave.getByLabel('Your password').fill(author.password);
    await leave.getByRole('button', { name: 'Close my account…' }).click();
    await confirm.getByRole('button', { name: 'Keep my account' }).click();
    await confirm.waitFor({ state: 'detached' });
    await leave.getByRole('button', { name: 'Close my account…' }).click();
    await confirm.getByRole('button', { name: 'Yes, close my account' }).click();

    await page.waitForURL('**/welcome');
    await page.getByText('Your account is closed. Thank you for being part of Setback').waitFor();
    await page.locator('#site-header').getByRole('link', { name: 'Sign in' }).waitFor();
    expect((await b.app.http().get('/api/auth/me').set('Cookie', author.cookie)).status).toBe(401);

    const other = await b.page('reader', reader);
    await other.goto(`/stories/${story.id}`);
    await other.getByRole('heading', { name: 'A story removed by its author', level: 1 }).waitFor();
    await other.getByText('The author removed this story.').waitFor();
    await expect(other.getByText('must disappear with the author').count()).resolves.toBe(0);
    await expect(other.getByRole('link', { name: author.username }).count()).resolves.toBe(0);
  });

  it('gets back in with a recovery code saved at sign-up', async () => {
    const username = uniqueName('recover');
    const first = `pw-${randomBytes(8).toString('hex')}`;
    const second = `new-${randomBytes(8).toString('hex')}`;
    const page = await b.page('recovering');
    await page.goto('/signup');
    await page.getByRole('heading', { name: 'Join Setback', level: 1 }).waitFor();
    await page.getByText('There is no email here, by design: keep your recovery codes safe.').waitFor();
    await page.getByRole('link', { name: 'Privacy, in plain words' }).waitFor();
    await page.getByLabel('Username', { exact: true }).fill(username);
    await page.getByLabel('Password', { exact: true }).fill(first);
    await page.getByLabel('I accept the community guidelines').check();
    await page.getByLabel('I am 16 or older').check();
    await page.getByRole('button', { name: 'Join Setback' }).click();
    await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
    const codes = await page.locator('.codes li code').allTextContents();
    expect(codes).toHaveLength(8);
    await page.getByRole('button', { name: /saved them/ }).click();
    await page.getByRole('heading', { name: 'Stories', level: 1 }).waitFor();
    await page.locator('#site-header').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/welcome');

    await page.locator('#site-header').getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Lost your password? Use a recovery code' }).click();
    await page.waitForURL('**/recover');
    await page.getByRole('heading', { name: 'Use a recovery code', level: 1 }).waitFor();
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Recovery code', { exact: true }).fill('aaaa-bbbb-cccc');
    await page.getByLabel('New password').fill(second);
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByText('That username and recovery code do not match.').waitFor();

    await page.getByLabel('Recovery code', { exact: true }).fill(codes[2]!);
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByRole('heading', { name: 'Your password is changed' }).waitFor();
    await page.getByText('You have 7 recovery codes left.').waitFor();
    await page.locator('.notice').getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(second);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Stories', level: 1 }).waitFor();
    expect((await b.app.http().post('/api/auth/login').send({ username, password: first })).status).toBe(401);
  });

  it('has no serious or critical axe violations on the account, privacy and recovery pages and the compose preview, light and dark', async () => {
    const me = await registerMember(b.app);
    const member = await b.page('member', me, { bypassCSP: true });
    const visitor = await b.page('visitor', undefined, { bypassCSP: true });
    const screens: { page: Page; path: string; ready: string; open?: (page: Page) => Promise<void> }[] = [
      {
        page: member,
        path: '/account',
        ready: '#leave',
        open: async (p) => {
          await p.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
          await p.getByRole('img', { name: /QR code/ }).waitFor();
          await p.getByLabel('Erase my words').check();
          await p.locator('#leave').getByRole('button', { name: 'Close my account…' }).click();
          await p.locator('#leave').getByText('Enter your password.').first().waitFor();
        },
      },
      { page: visitor, path: '/privacy', ready: '.privacy-text' },
      { page: visitor, path: '/recover', ready: 'h1#recover-title' },
      {
        page: member,
        path: '/stories/new',
        ready: 'form.compose-form',
        open: async (p) => {
          await p.getByLabel('What happened?').fill('I **froze** on stage.\n\n- forgot the words\n- walked off\n\n[A link](https://example.com)');
          await p.getByLabel('What did you learn?').fill('That *nobody* remembers it but me.');
          await p.getByRole('button', { name: 'Preview' }).click();
          await p.getByRole('region', { name: 'Preview' }).locator('strong', { hasText: 'froze' }).waitFor();
        },
      },
    ];
    const found: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      for (const { page, path, ready, open } of screens) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(path);
        await page.locator(ready).first().waitFor();
        await page.locator('.state-loading').waitFor({ state: 'detached' });
        if (open) await open(page);
        const bad = serious(await runAxe(page));
        if (bad.length) found.push(describeViolations(`${path} (${scheme})`, bad));
      }
    }
    expect(found.join('\n\n')).toBe('');

    // the preview: the server's sanitized rendering, read-only, and it follows the typing
    const region = member.getByRole('region', { name: 'Preview' });
    await expect(region.getByRole('heading', { name: 'What happened', level: 3 }).isVisible()).resolves.toBe(true);
    await expect(region.locator('textarea, input, [contenteditable]').count()).resolves.toBe(0);
    await member.getByLabel('How did you handle it?').fill('I went back the <script>window.__x=1</script> next **week**.');
    await region.getByRole('heading', { name: 'How I handled it', level: 3 }).waitFor();
    await region.locator('strong', { hasText: 'week' }).waitFor();
    await expect(region.locator('script').count()).resolves.toBe(0);
    const toggle = member.getByRole('button', { name: 'Preview' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await toggle.press('Enter');
    await region.waitFor({ state: 'hidden' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
  });

  it('downloads the member’s data, changes the password without leaving this tab, and signs out everywhere', async () => {
    const me = await registerMember(b.app);
    const page = await b.page('here', me);
    // another device: a session of its own
    const login = await b.app.http().post('/api/auth/login').send({ username: me.username, password: me.password }).expect(200);
    const elsewhere = await b.page('elsewhere', { ...me, cookie: sessionCookie(login) });
    await elsewhere.goto('/');
    await elsewhere.locator('.live-status[data-state="online"]').waitFor();
    await openAccount(page);
    await page.locator('.live-status[data-state="online"]').waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my data' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^setback-export-\d{4}-\d{2}-\d{2}\.json$/);
    const file = await download.path();
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect(exported).toMatchObject({ format: 'setback-export', account: { username: me.username } });

    const next = `next-${randomBytes(6).toString('hex')}`;
    await page.getByLabel('Current password').fill(me.password);
    await page.getByLabel('New password').fill(next);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText(/^Your password is changed\. You stay signed in here/).waitFor();
    // the other device is signed out and told why; this one stays
    await elsewhere.waitForURL('**/welcome');
    await elsewhere.getByText('Your password was changed, so you were signed out here.').waitFor();
    await page.locator('.live-status[data-state="online"]').waitFor();
    expect(page.url()).toMatch(/\/account$/);
    await page.getByRole('link', { name: 'Setback', exact: true }).click();
    await page.getByRole('heading', { name: 'Stories', level: 1 }).waitFor();

    await page.locator('#site-header').getByRole('link', { name: 'Account' }).click();
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.waitForURL('**/welcome');
    await page.getByText('You were signed out on all your devices.').waitFor();
    expect((await b.app.http().get('/api/auth/me').set('Cookie', me.cookie)).status).toBe(401);
  });

  it('mutes notifications from a story, and remembers it on this device', async () => {
    const author = await registerMember(b.app);
    const me = await registerMember(b.app);
    const story = await createStory(b.app, author, { title: 'The recipe that went wrong' });
    const page = await b.page('muting', me);
    await page.goto(`/stories/${story.id}`);
    const mute = page.getByRole('button', { name: 'Mute notifications from this story' });
    await mute.waitFor();
    expect(await mute.getAttribute('aria-pressed')).toBe('false');
    await mute.click();
    await page.locator('.mute-status').getByText('Muted', { exact: true }).waitFor();
    expect(await mute.getAttribute('aria-pressed')).toBe('true');
    const stored = await b.app.db.dataSource.query('SELECT 1 FROM thread_mutes WHERE user_id = $1 AND thread_id = $2', [me.id, story.id]);
    expect(stored).toHaveLength(1);

    await page.reload();
    await page.getByRole('heading', { name: story.title as string, level: 1 }).waitFor();
    expect(await mute.getAttribute('aria-pressed')).toBe('true');
    await mute.click();
    await page.locator('.mute-status').getByText('Notifications from this story are on.').waitFor();
    expect(await b.app.db.dataSource.query('SELECT 1 FROM thread_mutes WHERE user_id = $1 AND thread_id = $2', [me.id, story.id])).toHaveLength(0);
  });
});
