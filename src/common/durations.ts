/**
 * A wait said the way a person would say it ("about an hour", "about 3 days"), for error messages: never seconds
 * or an ISO timestamp. The server does not know the reader's time zone, so clock times ("tomorrow at 14:00") are
 * left to the client, which has `until` or `retryAfter` beside the message.
 */
export function durationInWords(ms: number): string {
  const minutes = Math.max(0, ms) / 60_000;
  if (minutes < 1) return 'less than a minute';
  if (minutes < 1.5) return 'about a minute';
  if (minutes < 45) return `about ${Math.round(minutes)} minutes`;
  const hours = minutes / 60;
  if (hours < 1.5) return 'about an hour';
  if (hours < 22) return `about ${Math.round(hours)} hours`;
  const days = hours / 24;
  if (days < 1.5) return 'about a day';
  if (days < 26) return `about ${Math.round(days)} days`;
  const months = days / 30;
  if (months < 1.5) return 'about a month';
  if (months < 11.5) return `about ${Math.round(months)} months`;
  const years = days / 365;
  return years < 1.5 ? 'about a year' : `about ${Math.round(years)} years`;
}
