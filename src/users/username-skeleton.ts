import unhomoglyph from 'unhomoglyph';

/** Digits that read as letters in a username and that Unicode's table leaves alone (it already maps 0 to O and 1 to l). */
const DIGITS: Record<string, string> = { '4': 'a', '8': 'b' };

/**
 * What a username looks like, for refusing a new one that could pass for an existing one: Unicode's confusable
 * skeleton (UTS #39 confusables, through unhomoglyph: "m" is written "rn", "0" "O", "1" and "I" "l", Cyrillic "а"
 * "a"), applied before and after folding case (so "M" meets "rn" and "I" meets "l"), then what that table does not
 * cover in a name: the underscore is dropped, "4" reads "a", "8" reads "b", "cl" reads "d" and "vv" reads "w".
 * Two names with the same skeleton may not both exist (a unique index on users.username_skeleton).
 */
export function usernameSkeleton(username: string): string {
  const confusable = unhomoglyph(unhomoglyph(username.normalize('NFKC')).toLowerCase()).toLowerCase();
  return confusable
    .replace(/_/g, '')
    .replace(/[48]/g, (d) => DIGITS[d])
    .replace(/cl/g, 'd')
    .replace(/vv/g, 'w');
}
