import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { describeCpu } from '../lib/cpu.js';
import { HttpClient } from '../lib/http.js';
import { log } from '../lib/log.js';
import { median, round, summarize } from '../lib/stats.js';
import { Ctx, measure, Observed } from './context.js';

export interface WriteRun {
  replies: number;
  repliesPerSec: number;
  p50: number;
  p99: number;
  max: number;
  failures: number;
  /** The first few failures, to see why. */
  failureSamples: string[];
}

export interface WriteSeries {
  writers: number;
  seconds: number;
  threadId: string;
  runs: (WriteRun & Observed)[];
  median: { repliesPerSec: number; p50: number; p99: number; failures: number };
}

export const replyBody = (n: number, who: string): string =>
  `Reading this made me feel less alone. Something similar happened to me last year (${who}, note ${n}); what helped was a walk and talking it through with a friend.`;

/** Each writer posts replies back to back (the next as soon as the last answered) until the window closes. */
async function writeWindow(http: HttpClient, threadId: string, cookies: { cookie: string; username: string }[], seconds: number): Promise<WriteRun> {
  const latencies: number[] = [];
  let failures = 0;
  const failureSamples: string[] = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  let n = 0;
  await Promise.all(
    cookies.map(async (w) => {
      while (performance.now() < end) {
        const body = { body: replyBody(++n, w.username), clientKey: randomBytes(12).toString('base64url') };
        try {
          const r = await http.request('POST', `/api/threads/${threadId}/replies`, { cookie: w.cookie, json: body });
          latencies.push(r.ms);
          if (r.status !== 201) {
            failures++;
            if (failureSamples.length < 5) failureSamples.push(`${r.status} ${r.text.slice(0, 200)}`);
          }
        } catch (e) {
          failures++;
          if (failureSamples.length < 5) failureSamples.push(String(e));
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const s = summarize(latencies);
  const replies = latencies.length - failures;
  return { replies, repliesPerSec: replies / elapsed, p50: s.p50, p99: s.p99, max: s.max, failures, failureSamples };
}

export async function writeSeries(ctx: Ctx): Promise<WriteSeries> {
  const { runs: n, duration, warmup } = ctx.opts;
  const writers = ctx.seeded.writers.map((w) => ({ cookie: w.cookie, username: w.username }));
  const threadId = ctx.seeded.writeThreadId;
  const http = new HttpClient(ctx.app.url, writers.length * 2);
  const runs: (WriteRun & Observed)[] = [];
  try {
    for (let i = 1; i <= n; i++) {
      await ctx.quiet.waitForQuiet();
      if (warmup > 0) await writeWindow(http, threadId, writers, warmup);
      const { result, cpu, inside, discarded } = await measure(ctx, () => writeWindow(http, threadId, writers, duration), { waitFirst: false });
      runs.push({ ...result, cpu, inside, discarded });
      log(
        `  write run ${i}/${n}: ${round(result.repliesPerSec, 0)} replies/s, p50 ${round(result.p50)} ms, p99 ${round(result.p99)} ms, failures ${result.failures}` +
          ` | ${describeCpu(cpu)}${inside.poolWaitingMax ? ` | pool waiting up to ${inside.poolWaitingMax}` : ''}`,
      );
      for (const f of result.failureSamples) log(`    failure: ${f}`);
    }
  } finally {
    http.close();
  }
  return {
    writers: writers.length,
    seconds: duration,
    threadId,
    runs,
    median: {
      repliesPerSec: median(runs.map((r) => r.repliesPerSec)),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      failures: runs.reduce((a, r) => a + r.failures, 0),
    },
  };
}
