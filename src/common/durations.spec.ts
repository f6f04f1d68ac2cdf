import { describe, expect, it } from '@jest/globals';
import { durationInWords } from './durations.js';

describe(durationInWords.name, () => {
  it.each([
    [0, 'less than a minute'],
    [30_000, 'less than a minute'],
    [60_000, 'about a minute'],
    [10 * 60_000, 'about 10 minutes'],
    [50 * 60_000, 'about an hour'],
    [3 * 3_600_000, 'about 3 hours'],
    [23 * 3_600_000, 'about a day'],
    [3 * 86_400_000, 'about 3 days'],
    [30 * 86_400_000, 'about a month'],
    [400 * 86_400_000, 'about a year'],
  ])('says %i ms as "%s"', (ms, words) => {
    expect(durationInWords(ms)).toBe(words);
  });
});
