import { HttpClient } from '../lib/http.js';
import { log } from '../lib/log.js';
import type { Row } from '../lib/report.js';
import { median, round, summarize } from '../lib/stats.js';
import type { Ctx } from './context.js';
import { loadSeries, LoadSeries } from './load.js';

/** Concurrent connections of the loaded measurement: a busy evening's share of members browsing or writing at once. */
export const DISCOVERY_CONNECTIONS = 10;
/** Requests of the one-at-a-time measurement (after a warm-up), per run. */
export const DISCOVERY_REQUESTS = 200;
const WARM_REQUESTS = 10;
/** The issue's target for each of them, on one member's request (no queue behind others). */
export const DISCOVERY_P99_MS = 50;

/** A draft as the composer sends it after a pause: the title, a blank line, the start of what happened. */
export const COMPOSING_TEXT =
  'When the interview went wrong again\n\nIt was about the interview. I had prepared for months and told everyone it would go well. ' +
  'On the day it fell apart in the first ten minutes, and I walked home feeling that every hour I had put in was wasted.';

const SPECS = [
  { name: 'GET /api/lessons?limit=20', path: '/api/lessons?limit=20' },
  { name: 'GET /api/threads/similar, while composing', path: `/api/threads/similar?text=${encodeURIComponent(COMPOSING_TEXT)}&limit=5` },
  { name: 'GET /api/threads?filter=unanswered&limit=20', path: '/api/threads?filter=unanswered&limit=20' },
];

export interface SequentialSeries {
  name: string;
  path: string;
  requests: number;
  runs: { p50: number; p99: number; max: number }[];
  median: { p50: number; p99: number; max: number };
}

export interface DiscoveryResult {
  /** One request at a time: what one member waits (the target). */
  sequential: SequentialSeries[];
  /** DISCOVERY_CONNECTIONS at once, for the throughput and the wait with a queue. */
  loaded: LoadSeries[];
}

/**
 * Finding stories over the 20,000 seeded stories (issue 15): the lessons index (most helped first), similar stories
 * while composing, and the stories waiting for a first reply; each one request at a time, then under load.
 */
export async function discoverySeries(ctx: Ctx): Promise<DiscoveryResult> {
  const cookies = ctx.seeded.readers.map((r) => r.cookie);
  const http = new HttpClient(ctx.app.url, 1);
  const sequential: SequentialSeries[] = SPECS.map((s) => ({ ...s, requests: DISCOVERY_REQUESTS, runs: [], median: { p50: NaN, p99: NaN, max: NaN } }));
  try {
    for (let i = 1; i <= ctx.opts.runs; i++) {
      for (const s of sequential) {
        await ctx.quiet.waitForQuiet();
        const ms: number[] = [];
        for (let k = 0; k < WARM_REQUESTS + DISCOVERY_REQUESTS; k++) {
          const r = await http.request('GET', s.path, { cookie: cookies[k % cookies.length] });
          if (r.status !== 200) throw new Error(`GET ${s.path} answered ${r.status}: ${r.text.slice(0, 200)}`);
          if (k === 0 && !(JSON.parse(r.text) as { items: unknown[] }).items.length) throw new Error(`GET ${s.path} found nothing`);
          if (k >= WARM_REQUESTS) ms.push(r.ms);
        }
        const sum = summarize(ms);
        s.runs.push({ p50: sum.p50, p99: sum.p99, max: sum.max });
        log(`  ${s.name} run ${i}/${ctx.opts.runs}, one at a time: p50 ${round(sum.p50, 2)} ms, p99 ${round(sum.p99, 2)} ms, max ${round(sum.max, 1)} ms`);
      }
    }
  } finally {
    http.close();
  }
  for (const s of sequential) s.median = { p50: median(s.runs.map((r) => r.p50)), p99: median(s.runs.map((r) => r.p99)), max: median(s.runs.map((r) => r.max)) };
  const loaded: LoadSeries[] = [];
  for (const { name, path } of SPECS) loaded.push(await loadSeries(ctx, name, path, cookies, DISCOVERY_CONNECTIONS));
  return { sequential, loaded };
}

const ms = (x: number): string => (Number.isFinite(x) ? `${x < 10 ? round(x, 1) : Math.round(x)} ms` : 'n/a');

export function discoveryRows(r: DiscoveryResult): Row[] {
  return [
    ...r.sequential.map((s) => ({
      figure: `finding stories: ${s.name} over 20,000 stories, one at a time`,
      measured: `p50 ${ms(s.median.p50)}, p99 ${ms(s.median.p99)}, max ${ms(s.median.max)}`,
      target: `p99 ≤ ${DISCOVERY_P99_MS} ms`,
      ok: s.median.p99 <= DISCOVERY_P99_MS,
    })),
    ...r.loaded.map((s) => ({
      figure: `finding stories: ${s.name} (${s.connections} conn.)`,
      measured: `${Math.round(s.median.reqPerSec).toLocaleString('en')} req/s, p50 ${ms(s.median.p50)}, p99 ${ms(s.median.p99)}, non-2xx ${s.median.non2xx}${s.median.errors ? `, errors ${s.median.errors}` : ''}`,
      target: '–',
      ok: s.median.non2xx === 0 && s.median.errors === 0 ? null : false,
    })),
  ];
}
