import { describe, it, expect } from '@jest/globals';
import { compileWatchedPattern, findWatched, hasNul, normalizeForMatching } from './text.js';

describe(hasNul.name, () => {
  it('finds a NUL anywhere in the string', () => {
    expect(hasNul('a\u0000b')).toBe(true);
    expect(hasNul('\u0000')).toBe(true);
    expect(hasNul('end\0')).toBe(true);
  });

  it('ignores text without one, including the escaped spelling and other control characters', () => {
    expect(hasNul('')).toBe(false);
    expect(hasNul('plain text')).toBe(false);
    expect(hasNul('\\u0000 and \\0')).toBe(false);
    expect(hasNul('\u0001\u001f\u007f')).toBe(false);
  });
});

describe(normalizeForMatching.name, () => {
  it('folds full-width and compatibility forms with NFKC', () => {
    expect(normalizeForMatching('Ｓｐａｍ')).toBe('spam');
    expect(normalizeForMatching('ﬁne')).toBe('fine');
    expect(normalizeForMatching('①')).toBe('1');
  });

  it('removes zero-width characters and the soft hyphen', () => {
    expect(normalizeForMatching('s\u200bp\u200ca\u200dm\u2060s\ufeffp\u00ada')).toBe('spamspa');
  });

  it('removes bidi controls', () => {
    const bidi = ['\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
    expect(normalizeForMatching(`x${bidi.join('')}y`)).toBe('xy');
    expect(normalizeForMatching('\u202emaps\u202c')).toBe('maps');
  });

  it('lower-cases', () => {
    expect(normalizeForMatching('SPAM Ünïcode')).toBe('spam ünïcode');
  });

  it('collapses whitespace runs, including Unicode spaces, and trims the ends', () => {
    expect(normalizeForMatching('  a \t\n b\u00a0\u3000c  ')).toBe('a b c');
  });

  it('composes letters that an invisible character had kept apart', () => {
    expect(normalizeForMatching('e\u200b\u0301')).toBe('\u00e9');
  });

  it('returns an empty string for invisible-only input', () => {
    expect(normalizeForMatching('\u200b\u200e \u00ad')).toBe('');
  });
});

describe(compileWatchedPattern.name, () => {
  const spam = compileWatchedPattern('spam');

  it.each(['spam', 'SPAM', 'Spam!', 'this is spam.', '(spam)', 'buy spam now', 'spam-free'])('matches %j', (text) => {
    expect(spam.test(normalizeForMatching(text))).toBe(true);
  });

  it.each(['spammer', 'antispam', 'spam_bot', 'spam2', '2spam', 'sp am', 'spamé'])('does not match inside a longer word: %j', (text) => {
    expect(spam.test(normalizeForMatching(text))).toBe(false);
  });

  it('treats letters of any script as word characters', () => {
    expect(spam.test('ωspam')).toBe(false);
    expect(spam.test('spamж')).toBe(false);
    expect(compileWatchedPattern('кот').test('это кот.')).toBe(true);
    expect(compileWatchedPattern('кот').test('которые')).toBe(false);
  });

  it('treats combining marks as part of the word', () => {
    // "क" followed by the vowel sign "ि" is the syllable "कि", not the word "क".
    expect(compileWatchedPattern('क').test('कि')).toBe(false);
    expect(compileWatchedPattern('क').test('क ख')).toBe(true);
  });

  it('lets a phrase match across any whitespace run', () => {
    const phrase = compileWatchedPattern('kill   myself');
    expect(phrase.test('i want to kill myself')).toBe(true);
    expect(phrase.test('kill\n\tmyself')).toBe(true);
    expect(phrase.test('killmyself')).toBe(false);
    expect(phrase.test('skill myselfie')).toBe(false);
  });

  it('normalizes the pattern itself', () => {
    expect(compileWatchedPattern('ＳＰＡＭ').test('spam')).toBe(true);
    expect(compileWatchedPattern(' sp\u200bam ').test('spam')).toBe(true);
  });

  it('matches regex metacharacters literally', () => {
    expect(compileWatchedPattern('a.b').test('a.b')).toBe(true);
    expect(compileWatchedPattern('a.b').test('axb')).toBe(false);
    expect(compileWatchedPattern('c++').test('i like c++')).toBe(true);
    expect(compileWatchedPattern('(x|y)').test('y')).toBe(false);
    expect(compileWatchedPattern('$5 [deal]').test('get $5 [deal] now')).toBe(true);
    expect(compileWatchedPattern('self-harm').test('about self-harm')).toBe(true);
    expect(compileWatchedPattern('a\\b/c').test('a\\b/c')).toBe(true);
  });

  it('is case-insensitive and stateless across calls', () => {
    const re = compileWatchedPattern('spam');
    expect(re.flags).toContain('i');
    expect(re.flags).toContain('u');
    expect(re.flags).not.toContain('g');
    expect(re.test('SPAM')).toBe(true);
    expect(re.test('SPAM')).toBe(true);
  });

  it('refuses a pattern that is empty once normalized', () => {
    expect(() => compileWatchedPattern('')).toThrow(RangeError);
    expect(() => compileWatchedPattern(' \u200b ')).toThrow(RangeError);
  });
});

describe(findWatched.name, () => {
  const spam = { id: 1, pattern: 'spam' };
  const phrase = { id: 2, pattern: 'kill myself' };
  const cash = { id: 3, pattern: 'easy cash' };
  const words = [spam, phrase, cash];

  it.each(['Ｓｐａｍ', 'sp\u200bam', 'SPAM', 'S\u00adP\u202eA\u202cM', 'Total spam, honestly'])('finds "spam" in %j', (text) => {
    expect(findWatched(text, words)).toEqual([spam]);
  });

  it.each(['spammer', 'antispam', 'spam_filter', 'nothing to see'])('finds nothing in %j', (text) => {
    expect(findWatched(text, words)).toEqual([]);
  });

  it.each(['I want to KILL   myself', 'kill\u200b myself', 'kill\nmyself tonight', 'ｋｉｌｌ ｍｙｓｅｌｆ'])(
    'finds the phrase in %j',
    (text) => {
      expect(findWatched(text, words)).toEqual([phrase]);
    },
  );

  it('does not find a phrase whose words are merely present', () => {
    expect(findWatched('myself, I would kill for a nap', words)).toEqual([]);
  });

  it('returns every matching entry, in the order given, with its own fields', () => {
    expect(findWatched('spam and EASY CASH', words)).toEqual([spam, cash]);
    expect(findWatched('spam and EASY CASH', [cash, spam])).toEqual([cash, spam]);
  });

  it('ignores entries whose pattern normalizes to nothing', () => {
    expect(findWatched('anything at all', [{ pattern: '' }, { pattern: '\u200b' }])).toEqual([]);
  });

  it('returns nothing for an empty list or empty text', () => {
    expect(findWatched('spam', [])).toEqual([]);
    expect(findWatched('', words)).toEqual([]);
  });
});
