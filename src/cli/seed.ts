import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { excerptFromMarkdown, renderMarkdown } from '../common/markdown.js';
import { hashPassword } from '../auth/passwords.js';
import { usernameKey } from '../users/users.service.js';
import { usernameSkeleton } from '../users/username-skeleton.js';

interface DemoStory {
  author: string;
  anonymous?: boolean;
  category: string;
  title: string;
  happened: string;
  handled: string;
  learned: string;
  contentWarning?: string;
  replies: { author: string; body: string; anonymous?: boolean }[];
}

const ACCOUNTS: { username: string; role: 'member' | 'moderator' }[] = [
  { username: 'maya_r', role: 'member' },
  { username: 'jonas', role: 'member' },
  { username: 'priya_k', role: 'member' },
  { username: 'sam_moderates', role: 'moderator' },
];

const STORIES: DemoStory[] = [
  {
    author: 'maya_r',
    category: 'work',
    title: 'I missed my dream job by one interview',
    happened:
      'After four rounds of interviews at the studio I had admired since university, I was told I was their second choice. I had already imagined the commute, the desk, the people. The rejection email arrived on a Friday evening and I spent the weekend replaying every answer.',
    handled:
      'I let myself be sad for a few days instead of pretending it was fine. Then I wrote to the hiring manager and asked, politely, what would have made the difference. She answered: more examples of work I had *finished*, not just started.',
    learned:
      'Second choice is not the same as not good enough. I now keep a small portfolio of finished things, and I apply with far less dread. Asking for feedback felt terrifying and was the most useful thing I did.',
    replies: [
      { author: 'jonas', body: 'Asking for feedback takes real courage. Thank you for showing it is possible.' },
      { author: 'priya_k', body: 'I was a second choice once too. Eight months later they called me back. Keep that door open.' },
    ],
  },
  {
    author: 'jonas',
    anonymous: true,
    category: 'school',
    title: 'I failed my final exam after telling everyone I would pass',
    contentWarning: 'exam stress, shame',
    happened:
      'I told my family and friends that the final was easy for me. I studied late, slept little, and on the day my mind went blank on the second page. I failed by four points and had to retake the whole course.',
    handled:
      'For a week I avoided everyone. Then I told one friend the truth, and it was much less terrible than I feared. I made a study plan with real sleep in it, and booked the retake.',
    learned:
      'Sleep is part of studying, not time stolen from it. And people were kinder about the failure than I was to myself.',
    replies: [
      { author: 'maya_r', body: 'Telling one person first is such good advice. Good luck with the retake.' },
      { author: 'jonas', body: 'Update: I passed the retake, with a good margin. Thank you all.' },
    ],
  },
  {
    author: 'priya_k',
    category: 'business',
    title: 'Closing the bakery I spent five years building',
    happened:
      'Our neighbourhood bakery closed last spring. Rent doubled, two of our best bakers moved away, and I kept it open six months longer than the numbers allowed because I could not face saying goodbye.',
    handled:
      'I finally sat down with an accountant and a friend who had closed a shop herself. We planned the last month together: a goodbye week, recipes printed for regulars, and honest references for the staff.',
    learned:
      'Holding on cost me more than letting go would have. Next time I will set a clear line in advance: *if these numbers happen by this date, I stop*. And a good ending is something you can build, too.',
    replies: [
      { author: 'jonas', body: 'The printed recipes for regulars is such a lovely idea.' },
      { author: 'sam_moderates', body: 'Thank you for writing this down so carefully. It will help someone facing the same choice.' },
    ],
  },
];

/** Adds demo accounts (with random passwords, printed once) and a few stories, so a newcomer sees a living forum. */
export async function seedDemo(dataSource: DataSource): Promise<void> {
  const ids = new Map<string, string>();
  const created: { username: string; password: string; role: string }[] = [];
  for (const a of ACCOUNTS) {
    const existing: { id: string }[] = await dataSource.query('SELECT id FROM users WHERE username_key = $1', [usernameKey(a.username)]);
    if (existing.length) {
      ids.set(a.username, existing[0].id);
      continue;
    }
    const password = randomBytes(9).toString('base64url');
    const rows: { id: string }[] = await dataSource.query('INSERT INTO users (username, username_key, username_skeleton, password_hash, role) VALUES ($1, $2, $3, $4, $5) RETURNING id', [
      a.username,
      usernameKey(a.username),
      usernameSkeleton(a.username),
      await hashPassword(password),
      a.role,
    ]);
    ids.set(a.username, rows[0].id);
    created.push({ username: a.username, password, role: a.role });
  }
  if (!created.length) {
    console.log('The demo accounts already exist: nothing was added.');
    return;
  }
  for (const s of STORIES) {
    await dataSource.transaction(async (em) => {
      const [{ id }]: { id: string }[] = await em.query(
        `INSERT INTO threads (author_id, anonymous, category, title, happened_md, happened_html, handled_md, handled_html, learned_md, learned_html, excerpt, content_warning)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
        [ids.get(s.author), s.anonymous ?? false, s.category, s.title, s.happened, renderMarkdown(s.happened), s.handled, renderMarkdown(s.handled), s.learned, renderMarkdown(s.learned), excerptFromMarkdown(s.happened, 220), s.contentWarning ?? null],
      );
      for (const r of s.replies) {
        // the author of an anonymous story answers under its pseudonym
        const anonymous = r.anonymous ?? (s.anonymous === true && r.author === s.author);
        await em.query('INSERT INTO replies (thread_id, author_id, anonymous, body_md, body_html) VALUES ($1, $2, $3, $4, $5)', [id, ids.get(r.author), anonymous, r.body, renderMarkdown(r.body)]);
      }
      await em.query('UPDATE threads SET reply_count = $2, answered = $3, last_activity_at = now() WHERE id = $1', [id, s.replies.length, s.replies.some((r) => r.author !== s.author)]);
    });
  }
  console.log('\nDemo content added. These accounts were created (the passwords are shown only this once):');
  for (const c of created) console.log(`  ${c.username.padEnd(16)} ${c.password}   (${c.role})`);
  console.log('');
}
