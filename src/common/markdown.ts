import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Member-written markdown → HTML that is safe to insert into the page.
 *
 * Two walls: markdown-it with raw HTML off (so `<script>` in the source comes out as text),
 * then sanitize-html with a strict allowlist (so nothing markdown-it emits can carry script).
 */

const LINK_REL = 'nofollow ugc noopener';

/** Schemes a link may use; everything else (javascript:, data:, relative paths, `//host`) is dropped. */
const SAFE_HREF = /^(?:https?|mailto):/i;

/** Characters a browser ignores or strips inside a URL scheme (`java\tscript:`), removed before we judge it. */
const URL_NOISE = /[\u0000-\u0020\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]/g;

export function isSafeHref(href: string): boolean {
  return SAFE_HREF.test(href.replace(URL_NOISE, ''));
}

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: true });

// The allowlist has no table tags: rendering a table and then stripping its tags would mash the
// cells together, whereas leaving the pipes as text keeps what the member wrote readable.
md.disable(['table']);

// First wall: a link that fails here is not emitted as a link at all (autolinks, linkify)
// or gets an empty href (inline/reference links), which the sanitizer then unwraps.
md.validateLink = (url: string): boolean => isSafeHref(url);

// Images are not allowed; show the alt text so the sentence around an image still reads.
md.renderer.rules.image = (tokens, idx, options, env, self) =>
  md.utils.escapeHtml(self.renderInlineAsText(tokens[idx].children ?? [], options, env));

/** Story headings sit below the page's own h1/h2, so every markdown heading moves down two levels. */
const HEADING_SHIFT: Record<string, string> = { h1: 'h3', h2: 'h4', h3: 'h5', h4: 'h6', h5: 'h6', h6: 'h6' };

const ALLOWED_TAGS = [
  'p', 'br', 'strong', 'em', 'del', 's', 'blockquote', 'ul', 'ol', 'li',
  'code', 'pre', 'hr', 'a', 'h3', 'h4', 'h5', 'h6',
];

/** Not an allowed tag: renaming a link to this makes the sanitizer keep its text and drop the tag. */
const UNWRAP = 'setback-unwrap';

const headingTransforms = Object.fromEntries(
  Object.entries(HEADING_SHIFT).map(([from, to]) => [
    from,
    (_tag: string): sanitizeHtml.Tag => ({ tagName: to, attribs: {} }),
  ]),
);

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: { a: ['href', 'rel'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  allowedClasses: {},
  allowedStyles: {},
  disallowedTagsMode: 'discard',
  transformTags: {
    ...headingTransforms,
    a: (_tag, attribs): sanitizeHtml.Tag => {
      const href = attribs.href ?? '';
      if (!isSafeHref(href)) return { tagName: UNWRAP, attribs: {} };
      // Rebuilt from scratch so no other attribute (title, target, on*) can ride along.
      return { tagName: 'a', attribs: { href, rel: LINK_REL } };
    },
  },
};

/** The second wall on its own: reduce any HTML to the allowlist. Exported so it can be tested without markdown-it's help. */
export function sanitizeRenderedHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}

/**
 * The renderer's work follows the markup in a text, not its length: twenty thousand characters of prose take
 * about a millisecond, the same length of `*_*_…`, bare e-mail addresses or one-letter lines each make a token
 * and a tag, and took 0.1–0.3 s of CPU (more on a busy machine). So a text is weighed first, in one cheap pass:
 * each character that can open markup counts 1 (an emphasis delimiter `*` `_` `~` 2), a line break 4 (a block
 * or a <br>), the start of something linkify would try (`@`, `://`, `www.`) 16: roughly what each costs.
 * Up to MARKUP_BUDGET, markdown renders as usual; above it the text is shown as plain paragraphs, every character
 * as typed: no member writes that much formatting, and the worst case stays small (docs/performance.md).
 */
export const MARKUP_BUDGET = 2500;

/** Weight of each ASCII character that can open markup (see above); 0 for the rest. */
const WEIGHT = new Uint8Array(128);
for (const c of '`[]<>!&#\\|') WEIGHT[c.charCodeAt(0)] = 1;
for (const c of '*_~') WEIGHT[c.charCodeAt(0)] = 2; // emphasis delimiters cost the most per character
WEIGHT[10] = 4; // \n
WEIGHT[64] = 16; // @
const COLON = 58;
const SLASH = 47;
const DOT = 46;
const LOWER_W = 119;

/** How much markup a text carries, in the units above; stops counting once past `limit`. */
export function markupWeight(source: string, limit = Infinity): number {
  let w = 0;
  for (let i = 0; i < source.length && w <= limit; i++) {
    const c = source.charCodeAt(i);
    if (c >= 128) continue;
    w += WEIGHT[c];
    if (c === COLON && source.charCodeAt(i + 1) === SLASH && source.charCodeAt(i + 2) === SLASH) w += 16;
    else if ((c | 32) === LOWER_W && (source.charCodeAt(i + 1) | 32) === LOWER_W && (source.charCodeAt(i + 2) | 32) === LOWER_W && source.charCodeAt(i + 3) === DOT) w += 16;
  }
  return w;
}

/** Whether a text is rendered as markdown (false: shown as plain text, see MARKUP_BUDGET). */
export const withinMarkupBudget = (source: string): boolean => markupWeight(source, MARKUP_BUDGET) <= MARKUP_BUDGET;

/** Plain paragraphs, line breaks kept, every character escaped: safe without the sanitizer, and linear. */
function renderPlain(source: string): string {
  return source
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n\s*/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => `<p>${md.utils.escapeHtml(p).replace(/[ \t]*\n[ \t]*/g, '<br />\n')}</p>`)
    .join('\n');
}

/** Render member markdown to sanitized HTML (the only HTML the client ever inserts). */
export function renderMarkdown(source: string): string {
  if (!withinMarkupBudget(source)) return renderPlain(source);
  return sanitizeRenderedHtml(md.render(source)).trim();
}

const STRIP_ALL: sanitizeHtml.IOptions = { allowedTags: [], allowedAttributes: {} };

/** sanitize-html escapes text as &amp; &lt; &gt; &quot;; nothing else can appear, so undo just those. */
function unescapeSanitized(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

/**
 * Plain-text preview of member markdown, at most `max` characters including the ellipsis.
 * The result is text, not HTML: render it with textContent, never innerHTML.
 */
export function excerptFromMarkdown(source: string, max = 200): string {
  if (max <= 0) return '';
  // Blocks and line breaks become spaces, so "end.</p><p>Start" does not read as "end.Start".
  const spaced = renderMarkdown(source).replace(/<\/(?:p|li|h[3-6]|blockquote|pre)>|<br\s*\/?>|<hr\s*\/?>/gi, '$& ');
  const text = unescapeSanitized(sanitizeHtml(spaced, STRIP_ALL)).replace(/\s+/g, ' ').trim();

  // Count code points, not UTF-16 units, so an emoji is never cut in half.
  const chars = Array.from(text);
  if (chars.length <= max) return text;

  const keep = chars.slice(0, max - 1);
  if (chars[max - 1] !== ' ') {
    const lastSpace = keep.lastIndexOf(' ');
    // A single word longer than the budget is cut mid-word rather than dropped entirely.
    if (lastSpace > 0) keep.length = lastSpace;
  }
  return keep.join('').replace(/[\s.,;:!?\-–—]+$/u, '') + '…';
}
