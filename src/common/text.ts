/** Text helpers for validating input and matching watched words. Pure; no Nest, no database. */

/** True when the string holds a NUL character, which PostgreSQL text columns reject. */
export function hasNul(s: string): boolean {
  return s.includes('\u0000');
}

/**
 * Characters that are invisible when rendered and so let "sp\u200bam" slip past a filter:
 * zero-width space/joiners, word joiner, BOM, soft hyphen, and the bidi marks, embeddings,
 * overrides and isolates. U+180E and the invisible math operators U+2061–U+2064 are added
 * because they are invisible in the same way.
 */
const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * The form both watched patterns and member text are reduced to before matching:
 * invisible characters removed, NFKC (full-width and other compatibility forms folded),
 * lower-cased, whitespace runs collapsed to a single space and the ends trimmed.
 */
export function normalizeForMatching(s: string): string {
  // Invisible characters go first so that NFKC sees the letters they separated as neighbours.
  return s.replace(INVISIBLE, '').normalize('NFKC').replace(INVISIBLE, '').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/**
 * A "word" character for boundary purposes. Combining marks count too, so that in scripts such as
 * Devanagari a pattern cannot match a consonant whose vowel sign belongs to a longer word.
 */
const WORD_CHAR = '[\\p{L}\\p{M}\\p{N}_]';

/** Escape for a `u`-flag regex, where escaping a non-syntax character (e.g. `\-`) is itself an error. */
function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/**
 * A regex that finds the normalized pattern as a whole word or phrase in normalized text.
 * Inner whitespace in a phrase matches any run of whitespace. Throws on a pattern that is
 * empty once normalized, since it would match everywhere.
 */
export function compileWatchedPattern(pattern: string): RegExp {
  const normalized = normalizeForMatching(pattern);
  if (!normalized) throw new RangeError('Watched pattern is empty');
  const body = normalized.split(' ').map(escapeRegExp).join('\\s+');
  return new RegExp(`(?<!${WORD_CHAR})${body}(?!${WORD_CHAR})`, 'iu');
}

/**
 * The watched entries whose pattern occurs in the text (after both are normalized).
 * Entries whose pattern normalizes to nothing are ignored rather than matching everything.
 */
export function findWatched<T extends { pattern: string }>(text: string, words: T[]): T[] {
  const haystack = normalizeForMatching(text);
  return words.filter((word) => {
    if (!normalizeForMatching(word.pattern)) return false;
    return compileWatchedPattern(word.pattern).test(haystack);
  });
}
