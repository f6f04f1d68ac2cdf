// Safe DOM building. User text only ever becomes text nodes; the one way to insert HTML is
// setServerHtml(), reserved for the server's sanitized *Html fields (happenedHtml, handledHtml,
// learnedHtml, bodyHtml).

export type Child = Node | string | number | null | undefined | false | readonly Child[];

type AttrValue = string | number | boolean | null | undefined;
type Handler = (event: Event) => void;
export type Attrs = Record<string, AttrValue | Handler>;

/**
 * Builds an element. String attributes are set with setAttribute (true → present, false/null/undefined →
 * absent); `on<event>` functions become listeners; children are appended, strings as text nodes.
 * `style` and `innerHTML`-like attributes are refused: the CSP forbids inline styles, and HTML goes
 * through setServerHtml() only.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (typeof value === 'function') {
        if (!name.startsWith('on')) throw new Error(`h(): function given for attribute ${name}`);
        el.addEventListener(name.slice(2).toLowerCase(), value);
        continue;
      }
      const lower = name.toLowerCase();
      if (lower === 'style' || lower === 'innerhtml' || lower === 'outerhtml' || lower === 'srcdoc') {
        throw new Error(`h(): attribute ${name} is not allowed`);
      }
      if (value === null || value === undefined || value === false) continue;
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, ...children);
  return el;
}

/** Appends children to a parent; strings and numbers become text nodes. */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, ...(child as readonly Child[]));
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces all children of a node. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/**
 * The only place HTML is inserted as HTML: the server's sanitized markdown rendering.
 * Never pass anything else here.
 */
export function setServerHtml(el: HTMLElement, sanitizedHtml: string): void {
  el.innerHTML = sanitizedHtml;
  // Links from members open outside the app: keep the server's rel and make sure new tabs cannot
  // reach back into this page.
  for (const a of el.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href') ?? '';
    if (/^https?:\/\//i.test(href) && new URL(href, location.href).origin !== location.origin) {
      const rel = new Set((a.getAttribute('rel') ?? '').split(/\s+/).filter(Boolean));
      for (const r of ['nofollow', 'ugc', 'noopener', 'noreferrer']) rel.add(r);
      a.setAttribute('rel', [...rel].join(' '));
    }
  }
}

let idCounter = 0;
/** A document-unique id for label/aria wiring. */
export function uid(prefix = 'id'): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** Splits plain text into paragraphs (blank-line separated), rendered as text. */
export function textParagraphs(text: string, className?: string): HTMLParagraphElement[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => h('p', { class: className ?? 'pre-line' }, p));
}

/** True for an error raised because a fetch was aborted (screen left, newer search, …). */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** A URL safe to put in href for links that come from the server (http/https only). */
export function safeHttpUrl(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** Debounces a function; the returned function has cancel() and flush(). */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastArgs: A | undefined;
  const debounced = (...args: A) => {
    lastArgs = args;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn(...args);
    }, ms);
  };
  debounced.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  debounced.flush = () => {
    if (timer === undefined || !lastArgs) return;
    clearTimeout(timer);
    timer = undefined;
    fn(...lastArgs);
  };
  return debounced;
}

/** A random UUID; falls back to getRandomValues where randomUUID is unavailable (non-secure contexts). */
export function randomId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
