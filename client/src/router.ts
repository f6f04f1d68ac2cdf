// A tiny router over history.pushState. Links stay real <a href> elements (so middle-click, "open in
// new tab" and keyboard work); plain left-clicks on same-origin links are intercepted here.
// Before the reader leaves a screen whose words Setback does not hold yet (navigation.ts guardLeaving), it asks:
// in the page for links, navigate() and the Back button, and through the browser's own question on unload.
import { leaveObjection } from './navigation.js';

export type Access = 'member' | 'visitor' | 'any';

export interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  /** Aborted when the reader leaves this screen: pass it to fetches and listeners. */
  signal: AbortSignal;
  outlet: HTMLElement;
  /** Sets document.title (" · Setback" is appended). */
  setTitle(title: string): void;
}

export type Mount = (ctx: RouteContext) => void | (() => void) | Promise<void | (() => void)>;

export interface Route {
  path: string; // e.g. '/stories/:id'
  access: Access;
  title: string;
  mount: Mount;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  keys: string[];
}

export interface RouterOptions {
  outlet: HTMLElement;
  routes: Route[];
  notFound: Route;
  /** Where a visitor is sent from a members-only path, and a member from a visitors-only one. */
  redirectFor(access: Access): string | null;
  siteName: string;
}

function compile(route: Route): CompiledRoute {
  const keys: string[] = [];
  const pattern = route.path
    .split('/')
    .map((part) => {
      if (part.startsWith(':')) {
        keys.push(part.slice(1));
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { ...route, keys, regex: new RegExp(`^${pattern}/?$`) };
}

const RETURN_TO = 'setback.returnTo';

/** Where a visitor will be taken after signing in or joining (see Router.returnTo), or null. */
export function readReturnTo(): string | null {
  try {
    const path = sessionStorage.getItem(RETURN_TO);
    return path && path.startsWith('/') && !path.startsWith('//') ? path : null;
  } catch {
    return null;
  }
}

/** Paths the router never handles: they belong to the server. */
const SERVER_PATHS = /^\/(api|socket\.io|docs|metrics|health)(\/|$)/;

export class Router extends EventTarget {
  readonly #opts: RouterOptions;
  readonly #routes: CompiledRoute[];
  #controller: AbortController | null = null;
  #cleanup: (() => void) | null = null;
  #current = '';
  /** The full URL of the screen on show, to go back to when the reader stays after pressing Back. */
  #currentUrl = '';
  #asking = false;
  #first = true;
  /**
   * Where a visitor wanted to go before being sent to sign in (a shared story link, say), kept for this tab in
   * sessionStorage so that a reload or the way through joining does not lose it.
   */
  get returnTo(): string | null {
    return readReturnTo();
  }

  set returnTo(path: string | null) {
    try {
      if (path && path.startsWith('/') && !path.startsWith('//')) sessionStorage.setItem(RETURN_TO, path);
      else sessionStorage.removeItem(RETURN_TO);
    } catch {
      // storage turned off: the way back is simply not kept
    }
  }

  constructor(opts: RouterOptions) {
    super();
    this.#opts = opts;
    this.#routes = opts.routes.map(compile);
  }

  start(): void {
    document.addEventListener('click', (event) => this.#onClick(event));
    window.addEventListener('popstate', () => {
      // A fragment change (e.g. the skip link) fires popstate too: re-render only for a new path.
      if (this.#key() === this.#current) return;
      const objection = leaveObjection();
      if (!objection) {
        void this.render();
        return;
      }
      // the address has already changed: put the screen's own back while the reader decides
      const target = location.pathname + location.search + location.hash;
      history.pushState(null, '', this.#currentUrl);
      void this.#confirmLeave(objection).then((leave) => {
        if (leave) this.navigate(target, { force: true });
      });
    });
    window.addEventListener('beforeunload', (event) => {
      if (!leaveObjection()) return;
      event.preventDefault();
      event.returnValue = ''; // older browsers need it set to show their question
    });
    void this.render();
  }

  /**
   * Goes to a path inside the app, after asking when the screen on show has words at risk (not for `replace`,
   * which the app uses for its own redirects, nor with `force`).
   */
  navigate(to: string, { replace = false, force = false }: { replace?: boolean; force?: boolean } = {}): void {
    const objection = replace || force ? null : leaveObjection();
    if (objection) {
      void this.#confirmLeave(objection).then((leave) => {
        if (leave) this.navigate(to, { force: true });
      });
      return;
    }
    const url = new URL(to, location.href);
    const target = url.pathname + url.search + url.hash;
    if (replace) history.replaceState(null, '', target);
    else history.pushState(null, '', target);
    void this.render();
  }

  /** Re-checks access for the current path (after sign-in or sign-out). */
  recheck(): void {
    const route = this.#match(location.pathname).route;
    const redirect = this.#opts.redirectFor(route.access);
    if (redirect && redirect !== location.pathname) {
      if (route.access === 'member') this.returnTo = location.pathname + location.search;
      this.navigate(redirect, { replace: true });
    }
  }

  /** The path of the screen on show. */
  get currentPath(): string {
    return location.pathname;
  }

  #key(): string {
    return location.pathname + location.search;
  }

  #match(pathname: string): { route: Route; params: Record<string, string> } {
    for (const route of this.#routes) {
      const m = route.regex.exec(pathname);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => {
        try {
          params[key] = decodeURIComponent(m[i + 1]!);
        } catch {
          params[key] = m[i + 1]!;
        }
      });
      return { route, params };
    }
    return { route: this.#opts.notFound, params: {} };
  }

  async render({ scroll = true }: { scroll?: boolean } = {}): Promise<void> {
    const { route, params } = this.#match(location.pathname);
    const redirect = this.#opts.redirectFor(route.access);
    if (redirect && redirect !== location.pathname) {
      if (route.access === 'member') this.returnTo = location.pathname + location.search;
      history.replaceState(null, '', redirect);
      return this.render({ scroll });
    }

    this.#controller?.abort();
    try {
      this.#cleanup?.();
    } catch (error) {
      console.error(error);
    }
    this.#cleanup = null;
    const controller = new AbortController();
    this.#controller = controller;
    this.#current = this.#key();
    this.#currentUrl = location.pathname + location.search + location.hash;

    const outlet = this.#opts.outlet;
    outlet.replaceChildren();
    outlet.removeAttribute('aria-busy');
    const setTitle = (title: string) => {
      document.title = title ? `${title} · ${this.#opts.siteName}` : this.#opts.siteName;
    };
    setTitle(route.title);
    if (scroll && !this.#first) window.scrollTo(0, 0);

    const ctx: RouteContext = {
      params,
      query: new URLSearchParams(location.search),
      signal: controller.signal,
      outlet,
      setTitle,
    };
    const result = route.mount(ctx);
    // Move focus to the new screen's heading so screen-reader and keyboard users start at the top
    // (not on first load: the browser's own starting point is right then).
    if (!this.#first) this.#focusHeading();
    this.#first = false;
    this.dispatchEvent(new Event('change'));
    const cleanup = await Promise.resolve(result).catch((error: unknown) => {
      console.error(error);
      return undefined;
    });
    if (typeof cleanup === 'function') {
      if (controller.signal.aborted) cleanup();
      else this.#cleanup = cleanup;
    }
  }

  async #confirmLeave(message: string): Promise<boolean> {
    if (this.#asking) return false;
    this.#asking = true;
    try {
      // the dialog's code is its own chunk, fetched when a screen first guards its words (navigation.ts); should it
      // still be out of reach (offline), the browser's own question does
      const dialog = await import('./components/leave-dialog.js').catch(() => null);
      return dialog ? await dialog.askToLeave(message) : window.confirm(message);
    } finally {
      this.#asking = false;
    }
  }

  #focusHeading(): void {
    const heading = this.#opts.outlet.querySelector<HTMLElement>('h1');
    const target = heading ?? this.#opts.outlet;
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: true });
  }

  #onClick(event: MouseEvent): void {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const target = event.target instanceof Element ? event.target : null;
    const a = target?.closest('a');
    if (!a || !a.hasAttribute('href')) return;
    if (a.hasAttribute('download')) return;
    if (a.target && a.target !== '_self') return;
    const rel = (a.getAttribute('rel') ?? '').split(/\s+/);
    if (rel.includes('external')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin) return;
    if (SERVER_PATHS.test(url.pathname)) return;
    // In-page fragment links (skip link, footnotes) are left to the browser.
    if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
    event.preventDefault();
    if (url.pathname + url.search + url.hash === location.pathname + location.search + location.hash) {
      // Same page: re-render it (e.g. clicking "Stories" while on the list resets it), unless words are at risk.
      if (!leaveObjection()) void this.render();
      return;
    }
    this.navigate(url.pathname + url.search + url.hash);
  }
}
