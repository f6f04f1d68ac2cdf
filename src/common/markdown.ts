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

/** Render member markdown to sanitized HTML (the only HTML the client ever inserts). */
export function renderMarkdown(source: string): string {
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
