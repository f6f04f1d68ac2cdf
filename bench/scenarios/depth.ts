import { HttpClient } from '../lib/http.js';
import { log } from '../lib/log.js';
import { median, round, summarize } from '../lib/stats.js';
import type { Ctx } from './context.js';

export const DEPTH_REQUESTS = 50;
const WARM_REQUESTS = 5;

export interface SequentialRun {
  median: number;
  p90: number;
  max: number;
}

export interface DepthResult {
  requests: number;
  firstPage: { path: string; runs: SequentialRun[]; median: number };
  afterPage: { path: string; afterIndex: number; runs: SequentialRun[]; median: number };
  search: { path: string; stories: number; matches: number | null; runs: SequentialRun[]; median: number };
  /** afterPage / firstPage (target ≤ 1.5). */
  ratio: number;
}

/** One request at a time: the latency of a single reader, without queueing behind others. */
async function sequential(http: HttpClient, path: string, cookie: string, check: (body: string) => string | null): Promise<SequentialRun> {
  const ms: number[] = [];
  for (let i = 0; i < WARM_REQUESTS + DEPTH_REQUESTS; i++) {
    const r = await http.request('GET', path, { cookie });
    if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${r.text.slice(0, 200)}`);
    if (i === 0) {
      const problem = check(r.text);
      if (problem) throw new Error(`GET ${path}: ${problem}`);
    }
    if (i >= WARM_REQUESTS) ms.push(r.ms);
  }
  const s = summarize(ms);
  const sorted = [...ms].sort((a, b) => a - b);
  return { median: median(ms), p90: sorted[Math.ceil(0.9 * sorted.length) - 1], max: s.max };
}

export async function depthSeries(ctx: Ctx): Promise<DepthResult> {
  const { depthThreadId, depthAfterId, searchWord } = ctx.seeded;
  if (!depthThreadId || !depthAfterId) throw new Error('the deep thread was not seeded');
  const http = new HttpClient(ctx.app.url, 1);
  const cookie = ctx.seeded.readers[0].cookie;
  const first = `/api/threads/${depthThreadId}/replies?limit=20`;
  const after = `/api/threads/${depthThreadId}/replies?after=${depthAfterId}&limit=20`;
  const search = `/api/threads?q=${encodeURIComponent(searchWord)}`;
  const twenty = (body: string): string | null => {
    const page = JSON.parse(body) as { items: { id: string }[] };
    return page.items.length === 20 ? null : `expected 20 replies, got ${page.items.length}`;
  };
  const afterCheck = (body: string): string | null => {
    const page = JSON.parse(body) as { items: { id: string }[] };
    if (page.items.length !== 20) return `expected 20 replies, got ${page.items.length}`;
    return BigInt(page.items[0].id) > BigInt(depthAfterId) ? null : 'the page does not start after the cursor';
  };
  const searchCheck = (body: string): string | null => ((JSON.parse(body) as { items: unknown[] }).items.length ? null : 'the search found nothing');
  const runs = { first: [] as SequentialRun[], after: [] as SequentialRun[], search: [] as SequentialRun[] };
  try {
    for (let i = 1; i <= ctx.opts.runs; i++) {
      runs.first.push(await sequential(http, first, cookie, twenty));
      runs.after.push(await sequential(http, after, cookie, afterCheck));
      runs.search.push(await sequential(http, search, cookie, searchCheck));
      const [f, a, s] = [runs.first[i - 1], runs.after[i - 1], runs.search[i - 1]];
      log(`  depth run ${i}/${ctx.opts.runs}: first page ${round(f.median, 2)} ms, after reply 99,900 ${round(a.median, 2)} ms, search "${searchWord}" ${round(s.median, 2)} ms (medians of ${DEPTH_REQUESTS})`);
    }
  } finally {
    http.close();
  }
  const firstMedian = median(runs.first.map((r) => r.median));
  const afterMedian = median(runs.after.map((r) => r.median));
  return {
    requests: DEPTH_REQUESTS,
    firstPage: { path: first, runs: runs.first, median: firstMedian },
    afterPage: { path: after, afterIndex: 99_900, runs: runs.after, median: afterMedian },
    search: { path: search, stories: ctx.seeded.searchStories, matches: ctx.seeded.searchMatches, runs: runs.search, median: median(runs.search.map((r) => r.median)) },
    ratio: afterMedian / firstMedian,
  };
}
