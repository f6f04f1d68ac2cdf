import { usernameKey } from '../users/users.service.js';

/** How long a notification's excerpt is, in characters. */
export const EXCERPT_CHARS = 140;

const MENTION_RE = /(?<![\w@])@([A-Za-z0-9_]{3,32})\b/g;
export const MAX_MENTIONS = 10;
const TITLE_MAX = 80;

/** The distinct usernames (as lookup keys) @mentioned in a markdown body, first ones first, at most `max`. */
export function findMentions(markdown: string, max = MAX_MENTIONS): string[] {
  const keys = new Set<string>();
  for (const m of markdown.matchAll(MENTION_RE)) {
    keys.add(usernameKey(m[1]));
    if (keys.size >= max) break;
  }
  return [...keys];
}

/** A story's title as a notification quotes it. */
export const shortTitle = (title: string): string => {
  const chars = [...title.trim()];
  return chars.length > TITLE_MAX ? `${chars.slice(0, TITLE_MAX - 1).join('')}…` : chars.join('');
};
