import type { FollowUpView } from '../contract/views.js';

export interface FollowUpRow {
  id: string;
  thread_id: string;
  body_html: string;
  created_at: Date;
}

export const toFollowUpView = (r: FollowUpRow): FollowUpView => ({ id: r.id, threadId: r.thread_id, bodyHtml: r.body_html, createdAt: r.created_at.toISOString() });

const TITLE_MAX = 80;

/** A story's title as a notification quotes it: at most 80 characters. */
export function quotedTitle(title: string): string {
  const chars = [...title.trim()];
  return chars.length > TITLE_MAX ? `${chars.slice(0, TITLE_MAX - 1).join('')}…` : chars.join('');
}

const MONTHS_IN_WORDS: Record<number, string> = { 1: 'a month', 3: 'three months', 6: 'six months', 12: 'a year' };

/** The reminder's words: kind, and a question rather than a task. */
export const reminderText = (inMonths: number, title: string): string =>
  `It has been ${MONTHS_IN_WORDS[inMonths] ?? `${inMonths} months`} since you shared “${quotedTitle(title)}” — would you like to add how things are now?`;
