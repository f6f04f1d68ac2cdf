import { describe, expect, it } from '@jest/globals';
import { findAdvice, listeningNudges } from './reply-nudges.js';

describe(findAdvice.name, () => {
  it.each([
    ['You should talk to your manager.', 'you should'],
    ['Have you tried writing it down?', 'have you tried'],
    ['Why don’t you take a week off?', "why don't you"],
    ['Just apply somewhere else.', 'just …'],
    ['I hear you. Just breathe.', 'just …'],
    ['YOU SHOULD have seen it coming', 'you should have'],
    ['If I were you I would quit.', 'if i were you'],
    ['My advice: sleep on it.', 'my advice'],
    ['Try to rest this week.', 'try …'],
    ['Did you try asking for feedback?', 'did you try'],
    ['You just need to move on.', 'you just need to'],
    ['I would suggest a break.', 'i would suggest'],
    ['You could try volunteering.', 'you could try'],
    ['Why not just call them?', 'why not'],
  ])('finds advice in %j', (text, phrase) => {
    expect(findAdvice(text)).toContain(phrase);
  });

  it.each([
    'That sounds so hard. Thank you for telling us.',
    'I just wanted to say I relate to this.',
    'It just is unfair, and I am sorry.',
    'You shouldn\'t have to go through that alone.',
    'I trust you to know what is right for you.',
    'Adjust? No, you were hurt.',
    'It sounds like you felt unseen, and you tried so hard.',
    'What comes next is your call; I only want to listen.',
    '> you should have known, you wrote\nThat line stayed with me: it was not your fault.',
    'Thinking of you. I had a similar year, and it was just awful.',
  ])('finds none in %j', (text) => {
    expect(findAdvice(text)).toEqual([]);
  });

  it('shows each phrase once and at most three', () => {
    expect(findAdvice('You should rest. You should eat. Have you tried yoga? Why don\'t you call? If I were you I would quit.')).toEqual([
      'you should',
      'have you tried',
      "why don't you",
    ]);
  });

  it('ignores letters hidden by zero-width characters and curly apostrophes alike', () => {
    expect(findAdvice('why don\u2019t you')).toEqual(["why don't you"]);
    expect(findAdvice('you sh\u200bould')).toEqual(['you should']);
  });
});

describe(listeningNudges.name, () => {
  it('gives one kind nudge naming what read as advice, and says the reply can still be sent', () => {
    const [nudge, ...more] = listeningNudges('Have you tried therapy? You should.');
    expect(more).toEqual([]);
    expect(nudge.code).toBe('ADVICE_WHILE_LISTENING');
    expect(nudge.message).toContain('“you should”');
    expect(nudge.message).toContain('“have you tried”');
    expect(nudge.message).toMatch(/reflect back what you heard/);
    expect(nudge.message).toMatch(/still send/);
  });

  it('gives none to a reply that listens', () => {
    expect(listeningNudges('That sounds exhausting. I am glad you wrote it down.')).toEqual([]);
  });
});
