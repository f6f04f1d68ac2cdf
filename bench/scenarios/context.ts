import type { AppProcess } from '../lib/app-process.js';
import { CpuMeter, CpuShare } from '../lib/cpu.js';
import type { HttpClient } from '../lib/http.js';
import { log } from '../lib/log.js';
import type { Options } from '../lib/options.js';
import type { InsideView, MetricsProbe } from '../lib/probe.js';
import type { Seeded } from '../lib/seed.js';
import { sleep } from '../lib/stats.js';

export interface Ctx {
  app: AppProcess;
  http: HttpClient;
  seeded: Seeded;
  opts: Options;
  cpu: CpuMeter;
  probe: MetricsProbe;
  quiet: QuietGuard;
}

export interface Observed {
  cpu: CpuShare;
  inside: InsideView;
  /** Windows thrown away because other processes took CPU during them (their CPU shares), then measured again. */
  discarded: CpuShare[];
}

/** % of one core other processes may use during a window before it is measured again. */
export const OTHER_LIMIT_PCT = 25;

/**
 * Shared machines (CI runners, several people's tests) steal CPU from a run and make its figures meaningless.
 * Before each window the guard waits (a little) for the machine to be quiet, and a window during which other
 * processes took more than OTHER_LIMIT_PCT of a core is measured again — within a time budget, so the bench stays
 * bounded. Every discarded window stays in the JSON.
 */
export class QuietGuard {
  waitedSeconds = 0;
  retriedSeconds = 0;
  retries = 0;

  private readonly waitBudgetSeconds: number;
  private readonly retryBudgetSeconds: number;
  /** Longest wait before one window, and how many times one window may be measured again. */
  private readonly waitPerWindowSeconds: number;
  private readonly retriesPerWindow: number;

  /** `budgetSeconds`: time the guard may add to the run in all; 40 % for waiting, 60 % for measuring again. */
  constructor(
    private readonly cpu: CpuMeter,
    private readonly enabled: boolean,
    budgetSeconds = 300,
  ) {
    this.waitBudgetSeconds = budgetSeconds * 0.4;
    this.retryBudgetSeconds = budgetSeconds * 0.6;
    this.waitPerWindowSeconds = Math.min(60, Math.max(15, budgetSeconds / 20));
    this.retriesPerWindow = budgetSeconds > 300 ? 5 : 2;
  }

  /** Samples one second at a time until other processes are quiet, within the per-window and total budgets. */
  async waitForQuiet(): Promise<void> {
    if (!this.enabled) return;
    const started = Date.now();
    let said = false;
    while (this.waitedSeconds + (Date.now() - started) / 1000 < this.waitBudgetSeconds && Date.now() - started < this.waitPerWindowSeconds * 1000) {
      const snap = this.cpu.start();
      await sleep(1000);
      const other = this.cpu.stop(snap).otherPct;
      if (other === null || other <= OTHER_LIMIT_PCT) break;
      if (!said) log(`    (other processes use ${other}% CPU: waiting up to ${Math.round(this.waitPerWindowSeconds)} s for a quiet moment)`);
      said = true;
    }
    this.waitedSeconds += (Date.now() - started) / 1000;
  }

  /** May the window that just ran be measured again? */
  retry(cpu: CpuShare, attempt: number): boolean {
    if (!this.enabled || cpu.otherPct === null || cpu.otherPct <= OTHER_LIMIT_PCT) return false;
    if (attempt > this.retriesPerWindow || this.retriedSeconds + cpu.seconds > this.retryBudgetSeconds) return false;
    this.retries++;
    this.retriedSeconds += cpu.seconds;
    log(`    (other processes used ${cpu.otherPct}% CPU during that window: measuring it again)`);
    return true;
  }
}

/** Runs a measured window while reading CPU use from /proc and the app's own metrics once a second. */
export async function observe<T>(ctx: Ctx, run: () => Promise<T>): Promise<{ result: T; cpu: CpuShare; inside: InsideView }> {
  const watch = ctx.probe.watch();
  const snap = ctx.cpu.start();
  try {
    const result = await run();
    const cpu = ctx.cpu.stop(snap);
    return { result, cpu, inside: await watch.stop() };
  } catch (e) {
    await watch.stop();
    throw e;
  }
}

/**
 * observe(), on a quiet machine: waits for quiet first (unless the caller did, before its warm-up), and measures
 * again a window that other processes disturbed.
 */
export async function measure<T>(ctx: Ctx, run: () => Promise<T>, opts: { waitFirst?: boolean } = {}): Promise<{ result: T } & Observed> {
  const discarded: CpuShare[] = [];
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1 || opts.waitFirst !== false) await ctx.quiet.waitForQuiet();
    const o = await observe(ctx, run);
    if (!ctx.quiet.retry(o.cpu, attempt)) return { ...o, discarded };
    discarded.push(o.cpu);
  }
}
