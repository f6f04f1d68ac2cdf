import type { Row } from '../lib/report.js';
import { round } from '../lib/stats.js';
import type { Ctx } from './context.js';
import { loadSeries, LoadSeries } from './load.js';

/** Concurrent connections of these reads: a busy evening's share of members browsing lessons or writing at once. */
export const DISCOVERY_CONNECTIONS = 10;
/** The issue's target for each of them. */
export const DISCOVERY_P99_MS = 50;

/** A draft as the composer sends it after a pause: the title, a blank line, the start of what happened. */
export const COMPOSING_TEXT =
  'When the interview went wrong again\n\nIt was about the interview. I had prepared for months and told everyone it would go well. ' +
  'On the day it fell apart in the first ten minutes, and I walked home feeling that every hour I had put in was wasted.';

/**
 * Finding stories over the 20,000 seeded stories (issue 15): the lessons index (most helped first), similar stories
 * while composing, and the stories waiting for a first reply, each under the same load.
 */
export async function discoverySeries(ctx: Ctx): Promise<LoadSeries[]> {
  const cookies = ctx.seeded.readers.map((r) => r.cookie);
  const specs = [
    { name: 'GET /api/lessons?limit=20', path: '/api/lessons?limit=20' },
    { name: 'GET /api/threads/similar, while composing', path: `/api/threads/similar?text=${encodeURIComponent(COMPOSING_TEXT)}&limit=5` },
    { name: 'GET /api/threads?filter=unanswered&limit=20', path: '/api/threads?filter=unanswered&limit=20' },
  ];
  const out: LoadSeries[] = [];
  for (const { name, path } of specs) out.push(await loadSeries(ctx, name, path, cookies, DISCOVERY_CONNECTIONS));
  return out;
}

const ms = (x: number): string => (Number.isFinite(x) ? `${x < 10 ? round(x, 1) : Math.round(x)} ms` : 'n/a');

export function discoveryRow(s: LoadSeries): Row {
  const m = s.median;
  return {
    figure: `finding stories: ${s.name} over 20,000 stories (${s.connections} conn.)`,
    measured: `${Math.round(m.reqPerSec).toLocaleString('en')} req/s, p50 ${ms(m.p50)}, p99 ${ms(m.p99)}, non-2xx ${m.non2xx}${m.errors ? `, errors ${m.errors}` : ''}`,
    target: `p99 ≤ ${DISCOVERY_P99_MS} ms`,
    ok: m.p99 <= DISCOVERY_P99_MS && m.non2xx === 0 && m.errors === 0,
  };
}
