import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { describeCpu } from '../lib/cpu.js';
import { HttpClient } from '../lib/http.js';
import { log } from '../lib/log.js';
import type { Account } from '../lib/seed.js';
import { median, round, sleep, summarize } from '../lib/stats.js';
import { Ctx, measure, Observed } from './context.js';
import { replyBody } from './write.js';

export const FANOUT_REPLIES = 50;
export const FANOUT_INTERVAL_MS = 100;
const CONNECT_BATCH = 50;
const DELIVERY_GRACE_MS = 10_000;

interface Reader {
  socket: Socket;
  /** reply id → first arrival (performance.now()) */
  seen: Map<string, number>;
  /** reply id → arrivals after the first */
  dups: Map<string, number>;
}

export interface FanoutRound {
  posted: number;
  postFailures: number;
  deliveries: number;
  p50: number;
  p99: number;
  max: number;
  lost: number;
  duplicated: number;
  postP50: number;
  postP99: number;
  /** The five slowest replies: index in the round, POST time and the slowest delivery (ms). */
  slowest: { index: number; postMs: number; worstDeliveryMs: number }[];
}

export interface FanoutResult {
  k: number;
  joined: number;
  joinFailures: number;
  joinErrors: string[];
  connectSeconds: number;
  rounds: (FanoutRound & Observed)[];
  /** p50/p99 are medians over the rounds; max is the worst of all; lost, duplicated and failures are totals. */
  median: { p50: number; p99: number; max: number; lost: number; duplicated: number; postFailures: number };
}

function connectReader(url: string, account: Account, threadId: string): Promise<Reader> {
  return new Promise((resolve, reject) => {
    const socket = io(url, {
      path: '/socket.io',
      transports: ['websocket'],
      extraHeaders: { Cookie: account.cookie },
      reconnection: false,
      forceNew: true,
      timeout: 15_000,
    });
    const reader: Reader = { socket, seen: new Map(), dups: new Map() };
    socket.on('reply.created', (reply: { id?: unknown }) => {
      const at = performance.now(); // first thing: the arrival time
      const id = String(reply?.id);
      if (reader.seen.has(id)) reader.dups.set(id, (reader.dups.get(id) ?? 0) + 1);
      else reader.seen.set(id, at);
    });
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) => {
      socket.close();
      reject(new Error(`connect: ${err.data?.code ?? ''} ${err.message}`));
    });
    socket.once('connect', () => {
      socket
        .timeout(15_000)
        .emitWithAck('thread.join', { threadId })
        .then((ack: { ok?: boolean; error?: { code: string; message: string } }) => {
          if (ack?.ok) resolve(reader);
          else {
            socket.close();
            reject(new Error(`thread.join: ${ack?.error?.code} ${ack?.error?.message}`));
          }
        })
        .catch((e: unknown) => {
          socket.close();
          reject(new Error(`thread.join: ${String(e)}`));
        });
    });
  });
}

/** One writer posts FANOUT_REPLIES replies, one every FANOUT_INTERVAL_MS, and every reader's arrivals are timed. */
async function runRound(http: HttpClient, writer: Account, threadId: string, readers: Reader[]): Promise<FanoutRound> {
  const sentAt = new Map<string, number>();
  const indexOf = new Map<string, { index: number; postMs: number }>();
  const postLatencies: number[] = [];
  let postFailures = 0;
  const posts: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < FANOUT_REPLIES; i++) {
    const wait = t0 + i * FANOUT_INTERVAL_MS - performance.now();
    if (wait > 0) await sleep(wait);
    const at = performance.now(); // before the request: the latency includes the POST itself
    const body = { body: replyBody(i + 1, writer.username), clientKey: randomBytes(12).toString('base64url') };
    posts.push(
      http.request('POST', `/api/threads/${threadId}/replies`, { cookie: writer.cookie, json: body }).then(
        (r) => {
          postLatencies.push(r.ms);
          if (r.status === 201) {
            const id = String((JSON.parse(r.text) as { id: unknown }).id);
            sentAt.set(id, at);
            indexOf.set(id, { index: i, postMs: r.ms });
          } else postFailures++;
        },
        () => void postFailures++,
      ),
    );
  }
  await Promise.all(posts);
  const expected = sentAt.size * readers.length;
  const received = (): number => {
    let n = 0;
    for (const r of readers) for (const id of sentAt.keys()) if (r.seen.has(id)) n++;
    return n;
  };
  const deadline = performance.now() + DELIVERY_GRACE_MS;
  while (received() < expected && performance.now() < deadline) await sleep(50);

  const latencies: number[] = [];
  const worst = new Map<string, number>();
  let lost = 0;
  let duplicated = 0;
  for (const r of readers) {
    for (const [id, at] of sentAt) {
      const got = r.seen.get(id);
      if (got === undefined) lost++;
      else {
        latencies.push(got - at);
        worst.set(id, Math.max(worst.get(id) ?? 0, got - at));
      }
      duplicated += r.dups.get(id) ?? 0;
    }
  }
  const slowest = [...worst]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([id, ms]) => ({ index: indexOf.get(id)?.index ?? -1, postMs: Math.round(indexOf.get(id)?.postMs ?? 0), worstDeliveryMs: Math.round(ms) }));
  for (const r of readers) {
    r.seen.clear();
    r.dups.clear();
  }
  const s = summarize(latencies);
  const p = summarize(postLatencies);
  return { posted: sentAt.size, postFailures, deliveries: latencies.length, p50: s.p50, p99: s.p99, max: s.max, lost, duplicated, postP50: p.p50, postP99: p.p99, slowest };
}

async function waitForSocketsClosed(ctx: Ctx): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      const open = (await ctx.probe.scrape()).get('setback_socket_connections');
      if (open === undefined || open === 0) return;
    } catch {
      return;
    }
    await sleep(200);
  }
  log('  (the app still counts open sockets 15 s after closing them)');
}

export async function fanoutSeries(ctx: Ctx): Promise<FanoutResult[]> {
  const results: FanoutResult[] = [];
  const http = new HttpClient(ctx.app.url, 64);
  const threadId = ctx.seeded.fanoutThreadId;
  try {
    for (const k of ctx.opts.ks) {
      const accounts = ctx.seeded.readers.slice(0, k);
      if (accounts.length < k) throw new Error(`only ${accounts.length} readers were seeded for K = ${k}`);
      const readers: Reader[] = [];
      const joinErrors: string[] = [];
      let joinFailures = 0;
      const c0 = performance.now();
      // batches, so the handshakes (a session lookup each) do not arrive as one storm
      for (let i = 0; i < accounts.length; i += CONNECT_BATCH) {
        const batch = await Promise.allSettled(accounts.slice(i, i + CONNECT_BATCH).map((a) => connectReader(ctx.app.url, a, threadId)));
        for (const b of batch) {
          if (b.status === 'fulfilled') readers.push(b.value);
          else {
            joinFailures++;
            if (joinErrors.length < 5) joinErrors.push(String(b.reason instanceof Error ? b.reason.message : b.reason));
          }
        }
      }
      const connectSeconds = (performance.now() - c0) / 1000;
      log(`  K = ${k}: ${readers.length} readers connected and joined in ${connectSeconds.toFixed(1)} s${joinFailures ? ` (${joinFailures} failed: ${joinErrors[0]})` : ''}`);
      await sleep(1000); // let the presence broadcast of the joins pass

      const rounds: (FanoutRound & Observed)[] = [];
      try {
        for (let i = 1; i <= ctx.opts.runs; i++) {
          const { result, cpu, inside, discarded } = await measure(ctx, () => runRound(http, ctx.seeded.fanoutWriter, threadId, readers));
          rounds.push({ ...result, cpu, inside, discarded });
          log(
            `  fan-out K = ${k} run ${i}/${ctx.opts.runs}: p50 ${round1(result.p50)} ms, p99 ${round1(result.p99)} ms, max ${round1(result.max)} ms, ` +
              `lost ${result.lost}, duplicated ${result.duplicated}${result.postFailures ? `, POST failures ${result.postFailures}` : ''}` +
              ` | slowest: reply #${result.slowest[0]?.index} (POST ${result.slowest[0]?.postMs} ms, last reader ${result.slowest[0]?.worstDeliveryMs} ms)` +
              ` | ${describeCpu(cpu)}${inside.lagMaxMs ? `, event-loop lag max ${inside.lagMaxMs} ms` : ''}`,
          );
          await sleep(500);
        }
      } finally {
        for (const r of readers) r.socket.disconnect();
        await waitForSocketsClosed(ctx);
      }
      results.push({
        k,
        joined: readers.length,
        joinFailures,
        joinErrors,
        connectSeconds,
        rounds,
        median: {
          p50: median(rounds.map((r) => r.p50)),
          p99: median(rounds.map((r) => r.p99)),
          max: Math.max(...rounds.map((r) => r.max)),
          lost: rounds.reduce((a, r) => a + r.lost, 0),
          duplicated: rounds.reduce((a, r) => a + r.duplicated, 0),
          postFailures: rounds.reduce((a, r) => a + r.postFailures, 0),
        },
      });
    }
  } finally {
    http.close();
  }
  return results;
}

const round1 = (x: number): number => round(x, 1);
