import { describe, expect, it } from '@jest/globals';
import { pauseSeconds } from './sign-in-limits.js';

describe(pauseSeconds.name, () => {
  it.each([
    [1, 2],
    [2, 4],
    [3, 8],
    [8, 256],
    [9, 300],
    [1000, 300],
  ])('pauses an account %i failures past its ceiling for %i s', (beyond, seconds) => {
    expect(pauseSeconds(beyond)).toBe(seconds);
  });
});
