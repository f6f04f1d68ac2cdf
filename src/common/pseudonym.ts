import { createHmac } from 'node:crypto';

/** Shown instead of an author whose account has been erased. */
export const FORMER_MEMBER = 'Former member';

/** Calm, kind adjectives. Nothing that could read as a judgement of someone who is struggling. */
export const PSEUDONYM_ADJECTIVES: readonly string[] = [
  'Quiet', 'Gentle', 'Steady', 'Calm', 'Kind', 'Patient', 'Brave', 'Warm',
  'Hopeful', 'Bright', 'Tender', 'Soft', 'Mellow', 'Serene', 'Peaceful', 'Thoughtful',
  'Honest', 'Humble', 'Careful', 'Curious', 'Earnest', 'Faithful', 'Friendly', 'Generous',
  'Graceful', 'Grounded', 'Helpful', 'Loyal', 'Mindful', 'Modest', 'Open', 'Steadfast',
  'Placid', 'Restful', 'Sincere', 'Sturdy', 'Tranquil', 'Trusty', 'Wise', 'Easy',
  'Golden', 'Silver', 'Amber', 'Misty', 'Sunny', 'Starry', 'Mossy', 'Leafy',
  'Dewy', 'Breezy', 'Rosy', 'Velvet', 'Cozy', 'Soothing', 'Nimble', 'Plucky',
  'Resilient', 'Radiant', 'Spirited', 'Still', 'Valiant', 'Wandering', 'Clever', 'Cheerful',
  'Dawning', 'Evening', 'Gleaming', 'Hushed', 'Lively', 'Merry', 'Rising', 'Unhurried',
];

/** Animals and pieces of nature. */
export const PSEUDONYM_NOUNS: readonly string[] = [
  'Otter', 'Heron', 'Willow', 'Sparrow', 'Badger', 'Fox', 'Owl', 'Wren',
  'Robin', 'Finch', 'Hare', 'Deer', 'Lark', 'Swan', 'Dove', 'Seal',
  'Beaver', 'Bear', 'Crane', 'Falcon', 'Hedgehog', 'Kestrel', 'Lynx', 'Moth',
  'Newt', 'Panda', 'Puffin', 'Raven', 'Salmon', 'Squirrel', 'Tortoise', 'Whale',
  'Dolphin', 'Koala', 'Marten', 'Pelican', 'Plover', 'Starling', 'Swallow', 'Thrush',
  'Oak', 'Birch', 'Cedar', 'Maple', 'Pine', 'Rowan', 'Aspen', 'Hazel',
  'Fern', 'Clover', 'Heather', 'Juniper', 'Meadow', 'River', 'Brook', 'Harbor',
  'Valley', 'Ridge', 'Cove', 'Glade', 'Pebble', 'Comet', 'Lantern', 'Ember',
  'Tide', 'Cloud', 'Breeze', 'Moon', 'Star', 'Acorn', 'Lichen', 'Reed',
];

/**
 * A friendly two-word name ("Quiet Otter") for an anonymous author within one thread.
 * Keyed by the app secret so nobody can work out who is behind a name by trying user ids,
 * and by the thread so the same member cannot be followed from thread to thread.
 */
export function pseudonym(secret: string, threadId: string, userId: string): string {
  // An empty key would make names computable by anyone who knows (or guesses) the user ids.
  if (!secret) throw new Error('pseudonym: secret must not be empty');
  const digest = createHmac('sha256', secret).update(`${threadId}:${userId}`).digest();
  // Independent 32-bit slices; modulo bias at these list sizes is below one in ten million.
  const adjective = PSEUDONYM_ADJECTIVES[digest.readUInt32BE(0) % PSEUDONYM_ADJECTIVES.length];
  const noun = PSEUDONYM_NOUNS[digest.readUInt32BE(4) % PSEUDONYM_NOUNS.length];
  return `${adjective} ${noun}`;
}
