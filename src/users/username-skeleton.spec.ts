import { describe, expect, it } from '@jest/globals';
import { usernameSkeleton } from './username-skeleton.js';

describe(usernameSkeleton.name, () => {
  it.each([
    // Unicode's confusables (UTS #39)
    ['modern', 'rnodern', 'm is r + n'],
    ['MODERN', 'rnodern', 'M folds to m, then r + n'],
    ['will', 'wiII', 'capital I is l'],
    ['alice', '\u0430lice', 'Cyrillic a'],
    ['paypal', 'p\u0430yp\u0430l', 'Cyrillic a twice'],
    ['joe', 'j\u03bfe', 'Greek omicron'],
    // multi-letter look-alikes
    ['dara', 'clara', 'cl is d'],
    ['dave', 'cIave', 'cI is cl is d'],
    ['wendy', 'vvendy', 'vv is w'],
    ['WENDY', 'VVendy', 'VV is w'],
    ['rnary', 'mary', 'rn is m'],
    // digit swaps
    ['cool', 'c00l', '0 is o'],
    ['lord', '1ord', '1 is l'],
    ['alan', '4lan', '4 is a'],
    ['bob', '8o8', '8 is b'],
    ['will_o', 'wiII_0', 'I is l and 0 is o'],
    ['cool', 'c0o1', 'digits for letters'],
    // the rest
    ['anna', 'an_na', 'underscores do not count'],
    ['Anna', 'anna', 'case does not count'],
  ])('%s and %s look alike (%s)', (a, b) => {
    expect(usernameSkeleton(a)).toBe(usernameSkeleton(b));
  });

  it.each([
    ['alice', 'alicia'],
    ['bob', 'rob'],
    ['dan', 'den'],
    ['mike', 'nike'],
    ['clara', 'ciara'],
    ['will', 'wiii'],
    ['user_7', 'user_2'],
    ['sam', 'san'],
  ])('%s and %s do not', (a, b) => {
    expect(usernameSkeleton(a)).not.toBe(usernameSkeleton(b));
  });
});
