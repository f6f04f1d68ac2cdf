import { describe, it, expect } from '@jest/globals';
import { FORMER_MEMBER, PSEUDONYM_ADJECTIVES, PSEUDONYM_NOUNS, pseudonym } from './pseudonym.js';

const SECRET = 'test-secret-0123456789abcdef';
const THREAD = '6f1c1d3e-2a4b-4c5d-8e9f-0a1b2c3d4e5f';
const USER = '0b7e6a52-9c1d-4f3e-a2b1-c4d5e6f7a8b9';

/** Deterministic UUID-shaped ids, so the statistical checks below can never flake. */
function fakeId(kind: string, n: number): string {
  return `${kind.padEnd(8, '0').slice(0, 8)}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

describe(pseudonym.name, () => {
  it('is stable for the same secret, thread and user', () => {
    expect(pseudonym(SECRET, THREAD, USER)).toBe(pseudonym(SECRET, THREAD, USER));
  });

  it('is two capitalised words from the lists', () => {
    const [adjective, noun, ...rest] = pseudonym(SECRET, THREAD, USER).split(' ');
    expect(rest).toEqual([]);
    expect(adjective).toMatch(/^[A-Z][a-z]+$/);
    expect(noun).toMatch(/^[A-Z][a-z]+$/);
    expect(PSEUDONYM_ADJECTIVES).toContain(adjective);
    expect(PSEUDONYM_NOUNS).toContain(noun);
  });

  it('gives the same member different names in different threads', () => {
    const names = new Set(Array.from({ length: 20 }, (_, i) => pseudonym(SECRET, fakeId('thread', i), USER)));
    // 20 threads landing on at most a handful of names would mean the thread is not in the key.
    expect(names.size).toBeGreaterThanOrEqual(15);
  });

  it('depends on the secret', () => {
    const users = Array.from({ length: 20 }, (_, i) => fakeId('user', i));
    const withA = users.map((u) => pseudonym('secret-a', THREAD, u));
    const withB = users.map((u) => pseudonym('secret-b', THREAD, u));
    const same = withA.filter((name, i) => name === withB[i]).length;
    expect(same).toBeLessThanOrEqual(2);
  });

  it('is not symmetric in thread and user', () => {
    expect(pseudonym(SECRET, 'a', 'b')).not.toBe(pseudonym(SECRET, 'b', 'a'));
  });

  it('rarely collides among 50 members of one thread', () => {
    for (let trial = 0; trial < 5; trial++) {
      const thread = fakeId('thread', trial);
      const names = Array.from({ length: 50 }, (_, i) => pseudonym(SECRET, thread, fakeId('user', i)));
      // Expected collisions are about 50·49/2 / 5184 ≈ 0.24; more than 3 means the spread is broken.
      expect(names.length - new Set(names).size).toBeLessThanOrEqual(3);
    }
  });

  it('uses the whole vocabulary', () => {
    const adjectives = new Set<string>();
    const nouns = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const [adjective, noun] = pseudonym(SECRET, THREAD, fakeId('user', i)).split(' ');
      adjectives.add(adjective);
      nouns.add(noun);
    }
    expect(adjectives.size).toBe(PSEUDONYM_ADJECTIVES.length);
    expect(nouns.size).toBe(PSEUDONYM_NOUNS.length);
  });

  it('refuses an empty secret', () => {
    expect(() => pseudonym('', THREAD, USER)).toThrow(/secret/);
  });
});

describe('pseudonym vocabulary', () => {
  it.each([
    ['adjectives', PSEUDONYM_ADJECTIVES],
    ['nouns', PSEUDONYM_NOUNS],
  ] as const)('has at least 64 distinct capitalised single-word %s', (_kind, words) => {
    expect(words.length).toBeGreaterThanOrEqual(64);
    expect(new Set(words).size).toBe(words.length);
    for (const word of words) expect(word).toMatch(/^[A-Z][a-z]+$/);
  });

  it('never produces the former-member label', () => {
    expect(FORMER_MEMBER).toBe('Former member');
    expect(PSEUDONYM_ADJECTIVES).not.toContain('Former');
  });
});
