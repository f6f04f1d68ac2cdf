import type { ReplyNudgeView } from '../contract/views.js';

/**
 * Gentle nudges for a reply being written (POST /threads/:id/replies/check). In a story whose author asked people to
 * just listen, phrasing that reads as advice gets one kind suggestion: reflect back what was heard instead. A nudge
 * is only ever a suggestion; it never stops a reply being sent, and nothing about it is stored.
 *
 * The phrases are matched case-insensitively and as whole words ("trust" is not "try", "adjust" is not "just");
 * lines quoted from the story (Markdown "> …") do not count, as the reader is repeating the author's own words.
 */

// a letter, digit or apostrophe on either side means the phrase is part of a longer word ("shouldn't" stays whole)
const B = `(?<![\\p{L}\\p{N}_'])`;
const E = `(?![\\p{L}\\p{N}_])`;
// the start of a sentence or clause: where "just …" and "try …" read as an instruction
const START = `(?:^|[.!?;:\\n(]\\s*|[-–—]\\s+|,\\s*)`;

/** Each: a pattern (over lower-case text with straight apostrophes) and how the phrase is shown back to the reader. */
const ADVICE: { re: RegExp; phrase: (m: RegExpExecArray) => string }[] = [
  { re: new RegExp(`${B}you (?:really |probably |definitely )?(?:should(?!n't have to)(?:n't|'ve| have| not)?|ought to|need to|gotta)${E}`, 'u'), phrase: (m) => m[0] },
  { re: new RegExp(`${B}(?:(?:have|had) you (?:ever )?(?:tried|thought about|considered|looked into)|did you (?:ever )?(?:try|think about|consider))${E}`, 'u'), phrase: (m) => m[0] },
  { re: new RegExp(`${B}why (?:don't|do not|didn't|did not) you${E}`, 'u'), phrase: (m) => m[0] },
  { re: new RegExp(`${B}why not (?:just )?(?=\\p{L})`, 'u'), phrase: () => 'why not' },
  { re: new RegExp(`${B}you (?:just|simply) (?:need|have|got) to${E}`, 'u'), phrase: (m) => m[0] },
  { re: new RegExp(`${START}(just|simply) (?!(?:wanted|want|wanna|wish|hope|thought|think|felt|feel|know|knew|am|was|were|is|are|had|have|like|as|because|so|in case|now|then|a|an|the|one|what|how|that|this|to say|saying)${E})(?=\\p{L})`, 'u'), phrase: (m) => m[1] + ' …' },
  { re: new RegExp(`${START}(try)(?: to)? (?=\\p{L})`, 'u'), phrase: () => 'try …' },
  { re: new RegExp(`${B}(?:you could|you might want to|you may want to) (?:try|consider|think about)${E}`, 'u'), phrase: (m) => m[0] },
  { re: new RegExp(`${B}if i (?:were|was) you${E}`, 'u'), phrase: (m) => m[0] },
  { re: new RegExp(`${B}(?:my advice|i(?:'d| would)? (?:suggest|recommend|advise))${E}`, 'u'), phrase: (m) => m[0] },
  { re: new RegExp(`${B}the (?:best|only) thing (?:you can do|to do|is to)${E}`, 'u'), phrase: (m) => m[0] },
  { re: new RegExp(`${B}make sure (?:you|to)${E}`, 'u'), phrase: (m) => m[0] },
];

/** Lower case, straight apostrophes, no invisible characters; lines quoted from the story left out. */
function prepare(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]/gu, '')
    .replace(/[\u2018\u2019\u02bc\u2032]/gu, "'")
    .split('\n')
    .filter((line) => !/^\s*>/.test(line))
    .join('\n')
    .toLowerCase()
    .replace(/[ \t]+/g, ' ');
}

/** The advice phrasing found in a reply, in the order of the list above (at most three, each once). */
export function findAdvice(text: string): string[] {
  const prepared = prepare(text);
  const found: string[] = [];
  for (const { re, phrase } of ADVICE) {
    const m = re.exec(prepared);
    if (!m) continue;
    const shown = phrase(m).trim();
    if (!found.includes(shown)) found.push(shown);
    if (found.length === 3) break;
  }
  return found;
}

/** The nudges for a reply in a story whose author would like people to just listen (none for other stories). */
export function listeningNudges(text: string): ReplyNudgeView[] {
  const phrases = findAdvice(text);
  if (!phrases.length) return [];
  const quoted = phrases.map((p) => `“${p}”`).join(', ');
  return [
    {
      code: 'ADVICE_WHILE_LISTENING',
      message:
        `The author would like people to just listen, and ${quoted} can read as advice. ` +
        'You could reflect back what you heard instead, for example: “It sounds like that was really hard.” You can still send your reply as it is.',
    },
  ];
}
