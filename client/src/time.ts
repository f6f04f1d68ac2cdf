// Dates shown to readers: relative ("3 hours ago") with the full date in a <time> element.
import { h } from './dom.js';

const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const full = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

export function relativeTime(iso: string, now = Date.now()): string {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return '';
  const seconds = Math.round((then - now) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return rtf.format(Math.round(seconds / 60), 'minute');
}

const dateOnly = new Intl.DateTimeFormat('en', { dateStyle: 'long' });

/** "5 January 2025" style, without the time. */
export function longDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : dateOnly.format(d);
}

export function fullDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : full.format(d);
}

/** <time datetime=… title="full date">3 hours ago</time> */
export function timeEl(iso: string, prefix = ''): HTMLTimeElement {
  return h('time', { datetime: iso, title: fullDate(iso) }, prefix + relativeTime(iso));
}

const clock = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const weekday = new Intl.DateTimeFormat('en', { weekday: 'long' });
const dayMonth = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'long' });
const dayMonthYear = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'long', year: 'numeric' });

const startOfDay = (d: Date): number => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();

/** A moment ahead, in the reader's own time zone, as a person says it after "until": "today at 16:30", "tomorrow at 14:00", "Friday at 09:00", "5 January at 09:00". */
export function untilInWords(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const days = Math.round((startOfDay(d) - startOfDay(now)) / 86_400_000);
  const at = `at ${clock.format(d)}`;
  if (days <= 0) return `today ${at}`;
  if (days === 1) return `tomorrow ${at}`;
  if (days < 7) return `${weekday.format(d)} ${at}`;
  return `${(d.getFullYear() === now.getFullYear() ? dayMonth : dayMonthYear).format(d)} ${at}`;
}
