import { describeCpu } from '../lib/cpu.js';
import { hammer, LoadRun } from '../lib/load.js';
import { log } from '../lib/log.js';
import { median, round } from '../lib/stats.js';
import { Ctx, measure, Observed } from './context.js';

export interface LoadSeries {
  name: string;
  path: string;
  connections: number;
  seconds: number;
  runs: (LoadRun & Observed)[];
  /** Medians over the runs; non2xx and errors are totals over every run. */
  median: { reqPerSec: number; p50: number; p99: number; non2xx: number; errors: number };
}

/** `runs` × (warm-up, then a measured window) of one GET under `connections` concurrent keep-alive connections. */
export async function loadSeries(ctx: Ctx, name: string, path: string, cookies: string[], connections = 50): Promise<LoadSeries> {
  return (await interleavedSeries(ctx, [{ name, path }], cookies, connections))[0];
}

/**
 * Several GETs measured turn about: run 1 of each, then run 2 of each, … so that a machine whose speed drifts during
 * the series (a shared one) affects them alike and their ratios stay meaningful.
 */
export async function interleavedSeries(ctx: Ctx, specs: { name: string; path: string }[], cookies: string[], connections = 50): Promise<LoadSeries[]> {
  const { runs: n, duration, warmup } = ctx.opts;
  const runs: (LoadRun & Observed)[][] = specs.map(() => []);
  for (let i = 1; i <= n; i++) {
    for (const [k, { name, path }] of specs.entries()) {
      const url = `${ctx.app.url}${path}`;
      await ctx.quiet.waitForQuiet();
      if (warmup > 0) await hammer(url, { connections, seconds: warmup, cookies });
      const { result, cpu, inside, discarded } = await measure(ctx, () => hammer(url, { connections, seconds: duration, cookies }), { waitFirst: false });
      runs[k].push({ ...result, cpu, inside, discarded });
      log(
        `  ${name} run ${i}/${n}: ${round(result.reqPerSec, 0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, non-2xx ${result.non2xx}` +
          `${result.errors ? `, errors ${result.errors}` : ''} | ${describeCpu(cpu)}`,
      );
    }
  }
  return specs.map(({ name, path }, k) => ({
    name,
    path,
    connections,
    seconds: duration,
    runs: runs[k],
    median: {
      reqPerSec: median(runs[k].map((r) => r.reqPerSec)),
      p50: median(runs[k].map((r) => r.p50)),
      p99: median(runs[k].map((r) => r.p99)),
      non2xx: runs[k].reduce((a, r) => a + r.non2xx, 0),
      errors: runs[k].reduce((a, r) => a + r.errors + r.timeouts, 0),
    },
  }));
}
