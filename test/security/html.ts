// Strict checks of what the API sends as HTML (fields named *Html) and as text (everything else).
// The HTML check is a small tokenizer of its own, stricter than a browser: every '<' in the output must open
// an allowed tag, so nothing the sanitizer missed can hide in a place a lenient parser would skip.

/** Tags the markdown renderer may emit (src/common/markdown.ts allowlist). */
export const CONTENT_TAGS = new Set(['p', 'br', 'strong', 'em', 'del', 's', 'blockquote', 'ul', 'ol', 'li', 'code', 'pre', 'hr', 'a', 'h3', 'h4', 'h5', 'h6']);
/** Search highlights: the only tag in an excerptHtml. */
export const EXCERPT_TAGS = new Set(['mark']);

const TAG = /<(\/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*"[^"]*")?)*)\s*(\/?)>/y;
const ATTR = /\s+([^\s"'>/=]+)(?:\s*=\s*"([^"]*)")?/g;
const SAFE_HREF = /^(?:https?|mailto):/i;
// what a browser ignores inside a URL scheme (java\tscript:), removed before judging it
const URL_NOISE = /[\u0000-\u0020\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]/g;
const DANGEROUS_SCHEME = /^(?:(?:java|vb|live)script|data|file):/i;

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", colon: ':', tab: '\t', newline: '\n', nbsp: '\u00a0' };

/** Decodes the character references a browser would decode in text or an attribute value. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);?/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

/**
 * What is wrong with an HTML fragment from the API, if anything: a '<' that is not an allowed tag, an
 * attribute other than href/rel on a link, a link that is not http(s)/mailto or lacks rel="nofollow ugc
 * noopener", or a script-capable URL in any attribute.
 */
export function htmlProblems(html: string, allowed: Set<string> = CONTENT_TAGS): string[] {
  const problems: string[] = [];
  for (let i = html.indexOf('<'); i !== -1; i = html.indexOf('<', i + 1)) {
    TAG.lastIndex = i;
    const m = TAG.exec(html);
    if (!m) {
      problems.push(`a '<' that opens no tag: ${JSON.stringify(html.slice(i, i + 40))}`);
      continue;
    }
    const [, closing, rawName, attrText] = m;
    const name = rawName.toLowerCase();
    if (!allowed.has(name)) problems.push(`tag <${name}> is not allowed`);
    const attrs = new Map<string, string>();
    for (const a of attrText.matchAll(ATTR)) attrs.set(a[1].toLowerCase(), a[2] ?? '');
    if (closing && attrs.size) problems.push(`closing tag </${name}> with attributes`);
    for (const [attr, value] of attrs) {
      const decoded = decodeEntities(value).replace(URL_NOISE, '');
      if (DANGEROUS_SCHEME.test(decoded)) problems.push(`<${name} ${attr}> holds a script-capable URL: ${JSON.stringify(value)}`);
      if (name !== 'a' || (attr !== 'href' && attr !== 'rel')) problems.push(`attribute ${attr} on <${name}> is not allowed`);
    }
    if (name === 'a' && !closing) {
      const href = decodeEntities(attrs.get('href') ?? '').replace(URL_NOISE, '');
      if (!SAFE_HREF.test(href)) problems.push(`link to ${JSON.stringify(attrs.get('href'))} (only http, https and mailto)`);
      if (attrs.get('rel') !== 'nofollow ugc noopener') problems.push(`link without rel="nofollow ugc noopener": ${JSON.stringify(m[0])}`);
    }
  }
  return problems;
}

const MARKUP = /<\/?[A-Za-z][^<>]*>|&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/gi;

/**
 * Markup in a text field that the member did not write: a tag or character reference that appears neither in
 * what was sent nor in what it decodes to. Text fields are inserted with textContent, so anything the server
 * itself turned into HTML (an escaped &lt; or a <p>) would show up as garbage, or worse, if inserted as HTML.
 */
export function serverMarkup(text: string, inputs: string[]): string[] {
  // plain-text excerpts decode entities and fold whitespace runs, as a reader's eye would
  const fold = (s: string): string => s.replace(/\s+/g, ' ');
  const sources = inputs.flatMap((s) => [s, decodeEntities(s)]).flatMap((s) => [s, fold(s)]);
  const found: string[] = [];
  for (const m of text.matchAll(MARKUP)) if (!sources.some((s) => s.includes(m[0]) || s.includes(fold(m[0])))) found.push(m[0]);
  return found;
}

/**
 * Walks a response and checks every string in it: *Html fields (and the preview's html) with htmlProblems (excerptHtml with the
 * highlight allowlist), every other string with serverMarkup against the inputs this object came from.
 */
export function checkTree(value: unknown, inputs: string[], path = '$', problems: string[] = []): string[] {
  if (typeof value === 'string') {
    const key = path.slice(path.lastIndexOf('.') + 1).replace(/\[\d+\]$/, '');
    if (/Html$/.test(key) || key === 'html') {
      for (const p of htmlProblems(value, key === 'excerptHtml' ? EXCERPT_TAGS : CONTENT_TAGS)) problems.push(`${path}: ${p}`);
    } else {
      for (const m of serverMarkup(value, inputs)) problems.push(`${path}: text field holds markup the member did not write: ${m}`);
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkTree(v, inputs, `${path}[${i}]`, problems));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) checkTree(v, inputs, `${path}.${k}`, problems);
  }
  return problems;
}
