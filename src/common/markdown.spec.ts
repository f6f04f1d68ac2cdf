import { describe, it, expect } from '@jest/globals';
import { excerptFromMarkdown, isSafeHref, MARKUP_BUDGET, markupWeight, renderMarkdown, sanitizeRenderedHtml, withinMarkupBudget } from './markdown.js';
import { XSS_PAYLOADS } from '../../test/support/xss-payloads.js';

const REL = 'rel="nofollow ugc noopener"';
const ALLOWED_TAGS = new Set([
  'p', 'br', 'strong', 'em', 'del', 's', 'blockquote', 'ul', 'ol', 'li',
  'code', 'pre', 'hr', 'a', 'h3', 'h4', 'h5', 'h6',
]);

/** Decode HTML character references the way a browser would in an attribute (repeated, to be strict). */
function decodeEntities(s: string): string {
  const named: Record<string, string> = {
    amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", colon: ':', tab: '\t', newline: '\n', nbsp: '\u00a0',
  };
  let prev: string;
  let out = s;
  do {
    prev = out;
    out = out
      .replace(/&#x([0-9a-f]+);?/gi, (_m, hex: string) => String.fromCodePoint(parseInt(hex, 16) % 0x110000))
      .replace(/&#(\d+);?/g, (_m, dec: string) => String.fromCodePoint(parseInt(dec, 10) % 0x110000))
      .replace(/&([a-z]+);/gi, (m, name: string) => named[name.toLowerCase()] ?? m);
  } while (out !== prev);
  return out;
}

/** Every way the rendered HTML could still run script or leave the allowlist; empty when safe. */
function xssProblems(html: string): string[] {
  const problems: string[] = [];
  for (const tag of ['<script', '<iframe', '<object', '<embed', '<svg', '<img', '<style']) {
    if (html.toLowerCase().includes(tag)) problems.push(`contains ${tag}`);
  }
  // Only real tags are inspected: escaped text such as "&lt;img onerror=…" is harmless prose.
  for (const [tagText, name, attrText] of html.matchAll(/<\/?([a-zA-Z][\w:-]*)([^>]*)>/g)) {
    const tagName = name.toLowerCase();
    if (!ALLOWED_TAGS.has(tagName)) problems.push(`tag outside allowlist: ${tagText}`);
    if (/\son\w+\s*=/i.test(tagText)) problems.push(`event handler: ${tagText}`);
    if (/style\s*=/i.test(tagText)) problems.push(`style attribute: ${tagText}`);
    for (const [, attr, dq, sq, bare] of attrText.matchAll(/([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
      const attrName = attr.toLowerCase();
      if (tagName !== 'a' || (attrName !== 'href' && attrName !== 'rel')) {
        problems.push(`attribute ${attrName} on ${tagName}`);
        continue;
      }
      if (attrName === 'href') {
        const value = decodeEntities(dq ?? sq ?? bare ?? '')
          .replace(/[\s\u0000-\u001f\u007f-\u009f]/g, '')
          .toLowerCase();
        if (!/^(?:https?|mailto):/.test(value)) problems.push(`unsafe href: ${tagText}`);
      }
    }
  }
  return problems;
}

describe('xssProblems (the spec’s own checker)', () => {
  it.each([
    '<script>alert(1)</script>',
    '<p onclick="x">a</p>',
    '<p style="color:red">a</p>',
    '<a href="java&#x09;script:alert(1)">a</a>',
    '<a href="&#106;avascript:alert(1)">a</a>',
    '<a href="/relative">a</a>',
    '<a href="https://e.com" title="t">a</a>',
    '<div>a</div>',
    '<IMG SRC=x>',
  ])('flags %j', (html) => {
    expect(xssProblems(html)).not.toEqual([]);
  });

  it('accepts escaped markup and a safe link', () => {
    expect(xssProblems(`<p>&lt;img src=x onerror=alert(1)&gt; <a href="https://e.com" ${REL}>x</a></p>`)).toEqual([]);
  });
});

describe(renderMarkdown.name, () => {
  it('renders emphasis, strong and strikethrough', () => {
    expect(renderMarkdown('*soft* **firm** ~~gone~~')).toBe('<p><em>soft</em> <strong>firm</strong> <s>gone</s></p>');
  });

  it('renders bulleted and numbered lists', () => {
    expect(renderMarkdown('- one\n- two')).toBe('<ul>\n<li>one</li>\n<li>two</li>\n</ul>');
    expect(renderMarkdown('1. first\n2. second')).toBe('<ol>\n<li>first</li>\n<li>second</li>\n</ol>');
  });

  it('gives every link rel="nofollow ugc noopener", no target and no title', () => {
    const html = renderMarkdown('[my blog](https://example.com/post?a=1&b=2 "A title")');
    expect(html).toBe(`<p><a href="https://example.com/post?a=1&amp;b=2" ${REL}>my blog</a></p>`);
    expect(html).not.toContain('target');
    expect(html).not.toContain('title');
  });

  it('keeps http and mailto links', () => {
    expect(renderMarkdown('[site](http://example.com)')).toBe(`<p><a href="http://example.com" ${REL}>site</a></p>`);
    expect(renderMarkdown('[mail me](mailto:me@example.com)')).toBe(
      `<p><a href="mailto:me@example.com" ${REL}>mail me</a></p>`,
    );
  });

  it('linkifies bare URLs and e-mail addresses', () => {
    expect(renderMarkdown('see https://example.com/x')).toBe(
      `<p>see <a href="https://example.com/x" ${REL}>https://example.com/x</a></p>`,
    );
    expect(renderMarkdown('write to help@example.org')).toBe(
      `<p>write to <a href="mailto:help@example.org" ${REL}>help@example.org</a></p>`,
    );
  });

  it('does not link relative, protocol-relative or non-web schemes', () => {
    for (const src of ['[x](/admin)', '[x](page.html)', '[x](//evil.example)', '[x](ftp://example.com)', '[x](#top)']) {
      const html = renderMarkdown(src);
      expect(html).not.toContain('<a');
      expect(html).toContain('x');
    }
  });

  it('demotes headings two levels so a story never outranks the page', () => {
    expect(renderMarkdown('# One')).toBe('<h3>One</h3>');
    expect(renderMarkdown('## Two')).toBe('<h4>Two</h4>');
    expect(renderMarkdown('### Three')).toBe('<h5>Three</h5>');
    expect(renderMarkdown('#### Four')).toBe('<h6>Four</h6>');
    expect(renderMarkdown('###### Six')).toBe('<h6>Six</h6>');
    expect(renderMarkdown('Setext\n======')).toBe('<h3>Setext</h3>');
    expect(renderMarkdown('# One')).not.toMatch(/<h[12]/);
  });

  it('escapes HTML inside fenced and inline code and drops the language class', () => {
    expect(renderMarkdown('```js\nif (a < b && c) { alert("<b>") }\n```')).toBe(
      '<pre><code>if (a &lt; b &amp;&amp; c) { alert("&lt;b&gt;") }\n</code></pre>',
    );
    expect(renderMarkdown('use `<br>` here')).toBe('<p>use <code>&lt;br&gt;</code> here</p>');
    expect(renderMarkdown('    indented <i>code</i>')).toBe('<pre><code>indented &lt;i&gt;code&lt;/i&gt;\n</code></pre>');
  });

  it('renders blockquotes and rules', () => {
    expect(renderMarkdown('> it gets better')).toBe('<blockquote>\n<p>it gets better</p>\n</blockquote>');
    expect(renderMarkdown('a\n\n---\n\nb')).toBe('<p>a</p>\n<hr />\n<p>b</p>');
  });

  it('turns a single newline into a line break', () => {
    expect(renderMarkdown('line one\nline two')).toBe('<p>line one<br />\nline two</p>');
  });

  it('shows raw HTML as text', () => {
    expect(renderMarkdown('I <3 <b>bold</b> & co')).toBe('<p>I &lt;3 &lt;b&gt;bold&lt;/b&gt; &amp; co</p>');
  });

  it('drops images, keeping only their alt text', () => {
    const html = renderMarkdown('before ![a *quiet* lake](https://example.com/lake.png) after');
    expect(html).toBe('<p>before a quiet lake after</p>');
  });

  it('leaves table syntax as readable text', () => {
    const html = renderMarkdown('a | b\n--|--\n1 | 2');
    expect(html).not.toMatch(/<t(able|r|d|h)/);
    expect(html).toContain('a | b');
  });

  it('renders empty input as an empty string', () => {
    expect(renderMarkdown('')).toBe('');
    expect(renderMarkdown('   \n\n  ')).toBe('');
  });

  it('emits only allowlisted tags for a mixed document', () => {
    const html = renderMarkdown(
      '# Title\n\nSome *text* and **more** ~~less~~.\n\n> quote\n\n- a\n- b\n\n1. c\n\n`x`\n\n```\ny\n```\n\n---\n\n[l](https://e.com)',
    );
    expect(xssProblems(html)).toEqual([]);
  });

  describe('with hostile input', () => {
    it('has a shared payload list of at least 40 entries', () => {
      expect(XSS_PAYLOADS.length).toBeGreaterThanOrEqual(40);
      expect(new Set(XSS_PAYLOADS).size).toBe(XSS_PAYLOADS.length);
    });

    it.each(XSS_PAYLOADS.map((payload, i) => [i, payload] as const))('neutralises payload #%i: %j', (_i, payload) => {
      expect(xssProblems(renderMarkdown(payload))).toEqual([]);
    });

    it('neutralises every payload embedded in ordinary prose', () => {
      for (const payload of XSS_PAYLOADS) {
        expect(xssProblems(renderMarkdown(`Some story.\n\n${payload}\n\nThe end [ok](https://e.com).`))).toEqual([]);
      }
    });

    it('keeps the visible text of a neutralised link', () => {
      expect(renderMarkdown('[click me](javascript:alert(1))')).toContain('click me');
    });
  });
});

describe('the markup budget', () => {
  const heavy = '*_'.repeat(5000);

  it('weighs markup, not length: prose is light, delimiters, lines and link starts are not', () => {
    expect(markupWeight('Lorem ipsum dolor sit amet. '.repeat(700))).toBe(0);
    expect(markupWeight('*_~`[]<>!&#\\|')).toBe(16);
    expect(markupWeight('a\nb')).toBe(4);
    expect(markupWeight('me@example.com http://a.b WWW.c.d')).toBe(48);
    expect(markupWeight(heavy, 100)).toBeLessThanOrEqual(100 + 16); // stops counting past the limit
  });

  it('renders a long, richly formatted story as markdown', () => {
    const story = Array.from({ length: 30 }, (_, i) => `## Part ${i}\n\nSome *text* with **weight**, a [link](https://e.com/${i}) and \`code\`.\n\n- one\n- two`).join('\n\n');
    expect(withinMarkupBudget(story)).toBe(true);
    expect(renderMarkdown(story)).toContain('<em>text</em>');
  });

  it('shows a text with more markup than the budget as plain paragraphs, every character as typed', () => {
    expect(markupWeight(heavy)).toBeGreaterThan(MARKUP_BUDGET);
    expect(renderMarkdown(heavy)).toBe(`<p>${heavy}</p>`);
    const mixed = `${heavy}\r\nline <b>two</b> & "three"\n\n\n  next *para*  \n`;
    expect(renderMarkdown(mixed)).toBe(`<p>${heavy}<br />\nline &lt;b&gt;two&lt;/b&gt; &amp; &quot;three&quot;</p>\n<p>next *para*</p>`);
  });

  it('keeps the plain fallback safe for every hostile payload', () => {
    for (const payload of XSS_PAYLOADS) expect(xssProblems(renderMarkdown(`${heavy}\n\n${payload}`))).toEqual([]);
  });
});

describe(sanitizeRenderedHtml.name, () => {
  // markdown-it already escapes raw HTML; these prove the sanitizer would hold even if it did not.
  it.each(XSS_PAYLOADS.map((payload, i) => [i, payload] as const))('neutralises raw payload #%i: %j', (_i, payload) => {
    expect(xssProblems(sanitizeRenderedHtml(payload))).toEqual([]);
  });

  it('unwraps links with unsafe or relative hrefs but keeps their text', () => {
    expect(sanitizeRenderedHtml('<a href="javascript:alert(1)">one</a>')).toBe('one');
    expect(sanitizeRenderedHtml('<a href="jav&#x09;ascript:alert(1)">two</a>')).toBe('two');
    expect(sanitizeRenderedHtml('<a href="/relative">three</a>')).toBe('three');
    expect(sanitizeRenderedHtml('<a>four</a>')).toBe('four');
  });

  it('rebuilds safe links with only href and rel', () => {
    expect(
      sanitizeRenderedHtml('<a href="https://e.com" target="_blank" rel="opener" title="t" class="c" onclick="x()">ok</a>'),
    ).toBe(`<a href="https://e.com" ${REL}>ok</a>`);
  });

  it('demotes headings, strips attributes elsewhere and drops images and their content-less tags', () => {
    expect(sanitizeRenderedHtml('<h1 id="x">A</h1><h2>B</h2><p class="c" style="color:red">C</p><img src="x">')).toBe(
      '<h3>A</h3><h4>B</h4><p>C</p>',
    );
  });

  it('removes script and style content entirely', () => {
    expect(sanitizeRenderedHtml('a<script>alert(1)</script><style>p{}</style>b')).toBe('ab');
  });
});

describe(isSafeHref.name, () => {
  it.each(['https://example.com', 'http://example.com', 'HTTPS://EXAMPLE.COM', 'mailto:a@b.c'])('accepts %j', (href) => {
    expect(isSafeHref(href)).toBe(true);
  });

  it.each([
    'javascript:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\u0000script:alert(1)',
    'data:text/html,x',
    'vbscript:x',
    '/relative',
    '//evil.example',
    '',
  ])('rejects %j', (href) => {
    expect(isSafeHref(href)).toBe(false);
  });

  it('judges the scheme after removing characters a browser would ignore', () => {
    expect(isSafeHref('\u00a0java\u200bscript:alert(1)')).toBe(false);
    expect(isSafeHref('ht\ttps://example.com')).toBe(true);
  });
});

describe(excerptFromMarkdown.name, () => {
  it('returns plain text without tags or markdown syntax', () => {
    expect(excerptFromMarkdown('# Lost my job\n\nIt was **hard**, but [friends](https://e.com) helped.')).toBe(
      'Lost my job It was hard, but friends helped.',
    );
  });

  it('decodes what the sanitizer escaped, since the result is text and not HTML', () => {
    expect(excerptFromMarkdown('Tom & Jerry <3 "quotes"')).toBe('Tom & Jerry <3 "quotes"');
  });

  it('separates blocks, list items and line breaks with single spaces', () => {
    expect(excerptFromMarkdown('one\ntwo\n\n- three\n- four\n\n> five\n\n```\nsix   seven\n```')).toBe(
      'one two three four five six seven',
    );
  });

  it('keeps short text whole', () => {
    expect(excerptFromMarkdown('short story', 200)).toBe('short story');
    expect(excerptFromMarkdown('exactly ten', 11)).toBe('exactly ten');
  });

  it('cuts long text on a word boundary and adds an ellipsis within the limit', () => {
    const source = 'I failed my driving test three times before I finally passed it last spring';
    const excerpt = excerptFromMarkdown(source, 30);
    expect(excerpt).toBe('I failed my driving test…');
    expect(Array.from(excerpt).length).toBeLessThanOrEqual(30);
    expect(source.startsWith(excerpt.slice(0, -1))).toBe(true);
  });

  it('keeps a word that ends exactly at the limit', () => {
    expect(excerptFromMarkdown('abc def ghi', 8)).toBe('abc def…');
  });

  it('drops trailing punctuation before the ellipsis', () => {
    expect(excerptFromMarkdown('First, second, third, fourth', 15)).toBe('First, second…');
  });

  it('cuts a single over-long word rather than returning nothing', () => {
    expect(excerptFromMarkdown('a'.repeat(50), 10)).toBe(`${'a'.repeat(9)}…`);
  });

  it('never splits an emoji', () => {
    const excerpt = excerptFromMarkdown('😀'.repeat(20), 5);
    expect(excerpt).toBe('😀😀😀😀…');
    expect(excerpt).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('defaults to 200 characters', () => {
    const excerpt = excerptFromMarkdown('word '.repeat(100));
    expect(Array.from(excerpt).length).toBeLessThanOrEqual(200);
    expect(excerpt.endsWith('word…')).toBe(true);
  });

  it('returns an empty string for empty input or a zero budget', () => {
    expect(excerptFromMarkdown('')).toBe('');
    expect(excerptFromMarkdown('hello', 0)).toBe('');
  });

  it('returns markup the member typed as literal text (callers must render it with textContent)', () => {
    expect(excerptFromMarkdown('<script>alert(1)</script>')).toBe('<script>alert(1)</script>');
  });
});
