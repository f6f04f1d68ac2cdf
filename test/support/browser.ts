// Browser tests: Debian's chromium driven by playwright-core against the real app (startApp serves the built
// client from client/dist). Each test gets fresh browser contexts; after it, every page is photographed into
// test-artifacts/screenshots/<test name>[-<label>].png, and the test fails if any page threw an uncaught error
// or opened a dialog (alert, confirm, prompt).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { startApp, type Member, type TestApp } from './app.js';

// The page's globals, for code that runs in the browser (page.evaluate): this test program has no DOM types.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOT_DIR = join(process.cwd(), 'test-artifacts', 'screenshots');
export const CLIENT_DIST = join(process.cwd(), 'client', 'dist', 'index.html');

/** Generous waits: the browser, the app and the database share two cores. */
export const WAIT_MS = 15_000;

/**
 * Whether the browser suites can run: chromium at /usr/bin/chromium and a built client. Without them the
 * suite is skipped with a loud message, except under CI=true, where their absence fails the run.
 */
export function requireBrowser(suite: string): boolean {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM_PATH)) missing.push(`chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
  if (!existsSync(CLIENT_DIST)) missing.push('the built client in client/dist (npx vite build --config client/vite.config.ts)');
  if (!missing.length) return true;
  const message = `${suite}: needs ${missing.join(' and ')}`;
  if (process.env.CI === 'true') throw new Error(`${message}, and CI=true requires it.`);
  console.warn(`\n!!! SKIPPED — ${message}. These browser tests did not run. !!!\n`);
  return false;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
}

interface Tracked {
  label: string;
  page: Page;
  problems: string[];
}

/** The app and one browser for a test file; fresh contexts per test, checked and photographed after it. */
export class BrowserHarness {
  app!: TestApp;
  browser!: Browser;
  #contexts: BrowserContext[] = [];
  #pages: Tracked[] = [];

  async start(env: Record<string, string> = {}): Promise<void> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    [this.app, this.browser] = await Promise.all([startApp(env), launchBrowser()]);
  }

  async stop(): Promise<void> {
    await this.#closeContexts();
    await this.browser?.close().catch(() => undefined);
    await this.app?.close();
  }

  /** A new browser context (a separate cookie jar), signed in as the member when one is given. */
  async context(member?: Member, options: BrowserContextOptions = {}): Promise<BrowserContext> {
    const context = await this.browser.newContext({ baseURL: this.app.url, viewport: { width: 1100, height: 800 }, reducedMotion: 'reduce', ...options });
    context.setDefaultTimeout(WAIT_MS);
    if (member) await signIn(context, this.app.url, member);
    this.#contexts.push(context);
    return context;
  }

  /** A page in its own context (or the given one), watched for page errors and dialogs. */
  async page(label: string, memberOrContext?: Member | BrowserContext, options: BrowserContextOptions = {}): Promise<Page> {
    const context = memberOrContext && 'newPage' in memberOrContext ? memberOrContext : await this.context(memberOrContext, options);
    const page = await context.newPage();
    const tracked: Tracked = { label, page, problems: [] };
    page.on('pageerror', (error) => tracked.problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      tracked.problems.push(`a ${dialog.type()} dialog opened: ${dialog.message()}`);
      void dialog.dismiss().catch(() => undefined);
    });
    this.#pages.push(tracked);
    return page;
  }

  /** The problems seen so far on every page of this test. */
  problems(): string[] {
    return this.#pages.flatMap((p) => p.problems.map((m) => `[${p.label}] ${m}`));
  }

  /** After each test: a screenshot of every page, contexts closed, and a failure for any page error or dialog. */
  async finish(): Promise<void> {
    const name = screenshotName(expect.getState().currentTestName ?? 'test');
    const single = this.#pages.length === 1;
    for (const p of this.#pages) {
      if (p.page.isClosed()) continue;
      const file = join(SCREENSHOT_DIR, `${name}${single ? '' : `-${screenshotName(p.label)}`}.png`);
      // the whole page, unless it is very long (hundreds of replies): then what is on screen
      const height = await p.page.evaluate(() => document.documentElement.scrollHeight as number).catch(() => 0);
      await p.page.screenshot({ path: file, fullPage: height > 0 && height < 6000, timeout: WAIT_MS }).catch((e: unknown) => console.warn(`screenshot ${file} failed: ${String(e)}`));
    }
    const problems = this.problems();
    await this.#closeContexts();
    if (problems.length) throw new Error(`The browser reported problems:\n${problems.join('\n')}`);
  }

  async #closeContexts(): Promise<void> {
    const contexts = this.#contexts;
    this.#contexts = [];
    this.#pages = [];
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
  }
}

export function screenshotName(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 120) || 'test'
  );
}

/** Puts a member's session cookie (from registerMember) into a browser context. */
export async function signIn(context: BrowserContext, url: string, member: Member): Promise<void> {
  const [name, ...rest] = member.cookie.split('=');
  await context.addCookies([{ name: name!, value: rest.join('='), url }]);
}

let axeSource: string | null = null;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core on the page (the context must bypass CSP to add the script) and returns its violations. */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(join(process.cwd(), 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  const loaded = await page.evaluate('typeof window.axe !== "undefined"');
  if (!loaded) await page.addScriptTag({ content: axeSource });
  return (await page.evaluate(
    `window.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
       id: v.id, impact: v.impact, help: v.help,
       nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
     })))`,
  )) as AxeViolation[];
}

/** What has keyboard focus, described for matching: tag, role, accessible-ish name. */
export interface FocusInfo {
  tag: string;
  type: string | null;
  name: string;
  label: string;
  pressed: string | null;
}

export function focused(page: Page): Promise<FocusInfo> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return { tag: '', type: null, name: '', label: '', pressed: null };
    const labels = el.labels ? Array.from(el.labels as ArrayLike<{ textContent: string | null }>).map((l) => l.textContent ?? '') : [];
    return {
      tag: String(el.tagName).toLowerCase(),
      type: el.getAttribute('type'),
      name: (el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim(),
      label: labels.join(' ').replace(/\s+/g, ' ').trim(),
      pressed: el.getAttribute('aria-pressed'),
    };
  });
}

/** Presses Tab until the focused element matches, failing after maxTabs presses. */
export async function tabTo(page: Page, matches: (f: FocusInfo) => boolean, what: string, maxTabs = 120): Promise<FocusInfo> {
  const seen: string[] = [];
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (matches(f)) return f;
    seen.push(`${f.tag}${f.type ? `[${f.type}]` : ''} "${(f.label || f.name).slice(0, 40)}"`);
  }
  throw new Error(`Tab never reached ${what}. Focus went through:\n${seen.join('\n')}`);
}

/** axe-core's serious and critical violations on each screen, in light and dark: one line per violation (empty when clean). */
export async function seriousViolations(screens: { page: Page; path: string; ready: string }[], schemes: ('light' | 'dark')[] = ['light', 'dark']): Promise<string[]> {
  const found: string[] = [];
  for (const scheme of schemes) {
    for (const { page, path, ready } of screens) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(path);
      await page.locator(ready).first().waitFor();
      await page.locator('.state-loading').waitFor({ state: 'detached' });
      for (const v of await runAxe(page)) {
        if (v.impact === 'serious' || v.impact === 'critical') found.push(`${scheme} ${path}: ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      }
    }
  }
  return found;
}
