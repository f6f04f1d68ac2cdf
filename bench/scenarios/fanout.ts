import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { describeCpu } from '../lib/cpu.js';
import { HttpClient } from '../lib/http.js';
import { log } from '../lib/log.js';
import type { InsideView, MetricsProbe } from '../lib/probe.js';
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
  /** Index of the base URL (app instance) the reader is connected to. */
  instance: number;
  /** reply id → first arrival (performance.now()) */
  seen: Map<string, number>;
  /** reply id → arrivals after the first */
  dups: Map<string, number>;
}

/** What reached a set of readers in one round: one (reader, reply) pair is one delivery. */
export interface Deliveries {
  deliveries: number;
  p50: number;
  p99: number;
  max: number;
  lost: number;
  duplicated: number;
}

export interface FanoutRound extends Deliveries {
  posted: number;
  postFailures: number;
  postP50: number;
  postP99: number;
  /** The five slowest replies: index in the round, POST time and the slowest delivery (ms). */
  slowest: { index: number; postMs: number; worstDeliveryMs: number }[];
  /** When the readers are spread over several instances: the same figures for the readers of each (in URL order). */
  byInstance?: Deliveries[];
}

/** Medians over the rounds of one set of readers: p50/p99 are medians, max the worst of all, lost and duplicated totals. */
export interface DeliveriesMedian {
  p50: number;
  p99: number;
  max: number;
  lost: number;
  duplicated: number;
}

export interface FanoutResult {
  k: number;
  joined: number;
  joinFailures: number;
  joinErrors: string[];
  connectSeconds: number;
  rounds: (FanoutRound & Observed)[];
  /** p50/p99 are medians over the rounds; max is the worst of all; lost, duplicated and failures are totals. */
  median: DeliveriesMedian & { postFailures: number };
  /** The app's memory before the readers connected and once they had joined. */
  joinNote?: JoinNote;
}

/** The fan-out over two app instances sharing the database and Redis: the writer posts to A, the readers alternate A, B. */
export interface ClusterFanoutResult {
  k: number;
  writerUrl: string;
  connectSeconds: number;
  joinErrors: string[];
  /** [0]: the readers on A, the writer's instance ("same instance"); [1]: those on B ("other instance"), reached through Redis. */
  instances: { url: string; readers: number; joined: number; joinFailures: number; median: DeliveriesMedian }[];
  /** `cpu.appPct` is both instances together; `inside` is A's own metrics, `insideOther` B's. */
  rounds: (FanoutRound & Observed & { insideOther: InsideView[] })[];
  /** All readers together. */
  median: DeliveriesMedian & { postFailures: number };
}

function connectReader(url: string, instance: number, account: Account, threadId: string): Promise<Reader> {
  return new Promise((resolve, reject) => {
    const socket = io(url, {
      path: '/socket.io',
      transports: ['websocket'],
      extraHeaders: { Cookie: account.cookie },
      reconnection: false,
      forceNew: true,
      timeout: 15_000,
    });
    const reader: Reader = { socket, instance, seen: new Map(), dups: new Map() };
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
async function runRound(http: HttpClient, writer: Account, threadId: string, readers: Reader[], instances: number): Promise<FanoutRound> {
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

  const all = tally(readers, sentAt);
  const byInstance = instances > 1 ? Array.from({ length: instances }, (_, i) => tally(readers.filter((r) => r.instance === i), sentAt).figures) : undefined;
  const slowest = [...all.worst]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([id, ms]) => ({ index: indexOf.get(id)?.index ?? -1, postMs: Math.round(indexOf.get(id)?.postMs ?? 0), worstDeliveryMs: Math.round(ms) }));
  for (const r of readers) {
    r.seen.clear();
    r.dups.clear();
  }
  const p = summarize(postLatencies);
  return { posted: sentAt.size, postFailures, ...all.figures, postP50: p.p50, postP99: p.p99, slowest, ...(byInstance ? { byInstance } : {}) };
}

/** Every (reader, reply) pair of a round: its latency, or lost; and second deliveries. */
function tally(readers: Reader[], sentAt: Map<string, number>): { figures: Deliveries; worst: Map<string, number> } {
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
  const s = summarize(latencies);
  return { figures: { deliveries: latencies.length, p50: s.p50, p99: s.p99, max: s.max, lost, duplicated }, worst };
}

async function waitForSocketsClosed(probes: MetricsProbe[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  const open = async (probe: MetricsProbe): Promise<number> => {
    try {
      return (await probe.scrape()).get('setback_socket_connections') ?? 0;
    } catch {
      return 0;
    }
  };
  while (Date.now() < deadline) {
    if ((await Promise.all(probes.map(open))).every((n) => n === 0)) return;
    await sleep(200);
  }
  log('  (the app still counts open sockets 15 s after closing them)');
}

const medianOfRounds = (rounds: Deliveries[]): DeliveriesMedian => ({
  p50: median(rounds.map((r) => r.p50)),
  p99: median(rounds.map((r) => r.p99)),
  max: Math.max(...rounds.map((r) => r.max)),
  lost: rounds.reduce((a, r) => a + r.lost, 0),
  duplicated: rounds.reduce((a, r) => a + r.duplicated, 0),
});

const describeDeliveries = (d: Deliveries): string =>
  `p50 ${round1(d.p50)} ms, p99 ${round1(d.p99)} ms, max ${round1(d.max)} ms, lost ${d.lost}, duplicated ${d.duplicated}`;

/** Where the fan-out runs: the writer's instance, and the instances the readers connect to in turn. */
interface FanoutPlacement {
  writerUrl: string;
  /** Reader i connects to readerUrls[i % readerUrls.length]. */
  readerUrls: string[];
  /** The /api/metrics of every instance, in readerUrls order: the first is ctx.probe's, watched by measure(). */
  probes: MetricsProbe[];
  /** In the progress lines: "fan-out" or "fan-out (2 instances)". */
  label: string;
  /** What each instance's readers are called in the progress lines (with more than one instance). */
  instanceNames?: string[];
  /** Called once the K readers have joined (before the rounds): a note for the progress line and the JSON. */
  afterJoin?: (k: number) => Promise<JoinNote>;
}

/** What the instances hold once the readers have joined: sockets per instance, resident memory. */
export interface JoinNote {
  /** Open sockets per instance (setback_socket_connections), in probe order. */
  sockets?: number[];
  /** The app's resident memory (VmRSS, MB) before the readers connected and once they had joined. */
  rssBeforeMb?: number | null;
  rssJoinedMb?: number | null;
  heapUsedMb?: number | null;
}

interface FanoutAt {
  k: number;
  readers: number[];
  joined: number[];
  joinFailures: number[];
  joinErrors: string[];
  connectSeconds: number;
  rounds: (FanoutRound & Observed & { insideOther: InsideView[] })[];
  joinNote?: JoinNote;
}

/**
 * The fan-out at each K of `ks`: K readers connect (alternating over the placement's instances) and join one story,
 * then `runs` rounds of one writer posting to the writer's instance. The single-instance and the two-instance
 * measurements are both this.
 */
async function fanoutOver(ctx: Ctx, ks: number[], place: FanoutPlacement): Promise<FanoutAt[]> {
  const results: FanoutAt[] = [];
  const http = new HttpClient(place.writerUrl, 64);
  const threadId = ctx.seeded.fanoutThreadId;
  const n = place.readerUrls.length;
  const others = place.probes.slice(1);
  try {
    for (const k of ks) {
      const accounts = ctx.seeded.readers.slice(0, k);
      if (accounts.length < k) throw new Error(`only ${accounts.length} readers were seeded for K = ${k}`);
      const readers: Reader[] = [];
      const rssBeforeMb = ctx.app.rssMb();
      const joinErrors: string[] = [];
      const joinFailures = new Array<number>(n).fill(0);
      const c0 = performance.now();
      // batches, so the handshakes (a session lookup each) do not arrive as one storm
      for (let i = 0; i < accounts.length; i += CONNECT_BATCH) {
        const batch = await Promise.allSettled(
          accounts.slice(i, i + CONNECT_BATCH).map((a, j) => {
            const instance = (i + j) % n;
            return connectReader(place.readerUrls[instance], instance, a, threadId).catch((e: unknown) => {
              joinFailures[instance]++;
              throw e;
            });
          }),
        );
        for (const b of batch) {
          if (b.status === 'fulfilled') readers.push(b.value);
          else if (joinErrors.length < 5) joinErrors.push(String(b.reason instanceof Error ? b.reason.message : b.reason));
        }
      }
      const connectSeconds = (performance.now() - c0) / 1000;
      const failed = joinFailures.reduce((a, b) => a + b, 0);
      const split = n > 1 ? ` (${place.readerUrls.map((_, i) => `${readers.filter((r) => r.instance === i).length} ${place.instanceNames?.[i] ?? `on instance ${i + 1}`}`).join(', ')})` : '';
      await sleep(1000); // let the presence broadcast of the joins pass
      const joinNote: JoinNote = place.afterJoin ? { rssBeforeMb, ...(await place.afterJoin(k)) } : { rssBeforeMb };
      const where = joinNote.sockets ? ` (sockets per instance: ${joinNote.sockets.join(', ')})` : '';
      const memory =
        joinNote.rssJoinedMb != null && rssBeforeMb != null
          ? `; app RSS ${Math.round(rssBeforeMb)} → ${Math.round(joinNote.rssJoinedMb)} MB (${round1(((joinNote.rssJoinedMb - rssBeforeMb) / Math.max(1, readers.length)) * 1000)} MB per 1,000 sockets)${joinNote.heapUsedMb != null ? `, JS heap ${joinNote.heapUsedMb} MB` : ''}`
          : '';
      log(`  K = ${k}: ${readers.length} readers${split}${where} connected and joined in ${connectSeconds.toFixed(1)} s${failed ? ` (${failed} failed: ${joinErrors[0]})` : ''}${memory}`);

      const rounds: FanoutAt['rounds'] = [];
      try {
        for (let i = 1; i <= ctx.opts.runs; i++) {
          const { result, cpu, inside, discarded } = await measure(ctx, async () => {
            // the other instances' own metrics, for the same window as ctx.probe's (measure() watches that one)
            const watches = others.map((p) => p.watch());
            try {
              const round = await runRound(http, ctx.seeded.fanoutWriter, threadId, readers, n);
              return { round, insideOther: await Promise.all(watches.map((w) => w.stop())) };
            } catch (e) {
              await Promise.all(watches.map((w) => w.stop()));
              throw e;
            }
          });
          const r = result.round;
          rounds.push({ ...r, cpu, inside, discarded, insideOther: result.insideOther });
          const lag = [inside, ...result.insideOther].map((v) => v.lagMaxMs ?? 0);
          log(
            `  ${place.label} K = ${k} run ${i}/${ctx.opts.runs}: ${describeDeliveries(r)}${r.postFailures ? `, POST failures ${r.postFailures}` : ''}` +
              (r.byInstance ? r.byInstance.map((d, j) => ` | readers ${place.instanceNames?.[j] ?? j + 1}: ${describeDeliveries(d)}`).join('') : '') +
              ` | slowest: reply #${r.slowest[0]?.index} (POST ${r.slowest[0]?.postMs} ms, last reader ${r.slowest[0]?.worstDeliveryMs} ms)` +
              ` | ${describeCpu(cpu)}${Math.max(...lag) ? `, event-loop lag max ${lag.join(' / ')} ms` : ''}`,
          );
          await sleep(500);
        }
      } finally {
        for (const r of readers) r.socket.disconnect();
        await waitForSocketsClosed(place.probes);
      }
      results.push({
        k,
        readers: place.readerUrls.map((_, i) => accounts.filter((__, j) => j % n === i).length),
        joined: place.readerUrls.map((_, i) => readers.filter((r) => r.instance === i).length),
        joinFailures,
        joinErrors,
        connectSeconds,
        rounds,
        joinNote,
      });
    }
  } finally {
    http.close();
  }
  return results;
}

/** The fan-out on the one app instance of the bench: writer and readers on ctx.app. */
export async function fanoutSeries(ctx: Ctx): Promise<FanoutResult[]> {
  const at = await fanoutOver(ctx, ctx.opts.ks, {
    writerUrl: ctx.app.url,
    readerUrls: [ctx.app.url],
    probes: [ctx.probe],
    label: 'fan-out',
    afterJoin: async () => ({ rssJoinedMb: ctx.app.rssMb(), heapUsedMb: await heapUsedMb(ctx.probe) }),
  });
  return at.map((f) => ({
    k: f.k,
    joined: f.joined[0],
    joinFailures: f.joinFailures[0],
    joinErrors: f.joinErrors,
    connectSeconds: f.connectSeconds,
    // as before the two-instance measurement existed: no per-instance fields
    rounds: f.rounds.map(({ insideOther: _, ...r }) => r),
    median: { ...medianOfRounds(f.rounds), postFailures: f.rounds.reduce((a, r) => a + r.postFailures, 0) },
    joinNote: f.joinNote,
  }));
}

async function heapUsedMb(probe: MetricsProbe): Promise<number | null> {
  try {
    const used = (await probe.scrape()).get('nodejs_heap_size_used_bytes');
    return used === undefined ? null : Math.round(used / 2 ** 20);
  } catch {
    return null;
  }
}

/** The fan-out over N instances behind nginx: the writer and every reader go through the proxy, which spreads them. */
export interface ProxiedFanoutResult {
  k: number;
  instances: number;
  proxyUrl: string;
  connectSeconds: number;
  joined: number;
  joinFailures: number;
  joinErrors: string[];
  /** Open sockets per instance once joined: how nginx spread the readers. */
  socketsPerInstance: number[];
  /** `cpu.appPct` is every instance together; `inside` is the first instance's metrics, `insideOther` the others'. */
  rounds: (FanoutRound & Observed & { insideOther: InsideView[] })[];
  median: DeliveriesMedian & { postFailures: number };
}

export async function proxiedFanoutSeries(ctx: Ctx, proxyUrl: string, probes: MetricsProbe[]): Promise<ProxiedFanoutResult[]> {
  const count = async (p: MetricsProbe): Promise<number> => {
    try {
      return (await p.scrape()).get('setback_socket_connections') ?? 0;
    } catch {
      return Number.NaN;
    }
  };
  const at = await fanoutOver(ctx, ctx.opts.ks, {
    writerUrl: proxyUrl,
    readerUrls: [proxyUrl],
    probes,
    label: `fan-out (${probes.length} instances behind nginx)`,
    afterJoin: async () => ({ sockets: await Promise.all(probes.map(count)) }),
  });
  return at.map((f) => ({
    k: f.k,
    instances: probes.length,
    proxyUrl,
    connectSeconds: f.connectSeconds,
    joined: f.joined[0],
    joinFailures: f.joinFailures[0],
    joinErrors: f.joinErrors,
    socketsPerInstance: f.joinNote?.sockets ?? [],
    rounds: f.rounds,
    median: { ...medianOfRounds(f.rounds), postFailures: f.rounds.reduce((a, r) => a + r.postFailures, 0) },
  }));
}

/**
 * The fan-out over two instances sharing the database and Redis: the writer posts to A (ctx.app, ctx.probe), the
 * readers alternate between A and B, so every other delivery crosses Redis.
 */
export async function clusterFanoutSeries(ctx: Ctx, b: { url: string; probe: MetricsProbe }): Promise<ClusterFanoutResult[]> {
  const urls = [ctx.app.url, b.url];
  const at = await fanoutOver(ctx, ctx.opts.clusterKs, {
    writerUrl: ctx.app.url,
    readerUrls: urls,
    probes: [ctx.probe, b.probe],
    label: 'fan-out (2 instances)',
    instanceNames: ['on A', 'on B'],
  });
  return at.map((f) => ({
    k: f.k,
    writerUrl: ctx.app.url,
    connectSeconds: f.connectSeconds,
    joinErrors: f.joinErrors,
    instances: urls.map((url, i) => ({
      url,
      readers: f.readers[i],
      joined: f.joined[i],
      joinFailures: f.joinFailures[i],
      median: medianOfRounds(f.rounds.map((r) => r.byInstance?.[i] ?? { deliveries: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN, lost: 0, duplicated: 0 })),
    })),
    rounds: f.rounds,
    median: { ...medianOfRounds(f.rounds), postFailures: f.rounds.reduce((a, r) => a + r.postFailures, 0) },
  }));
}

const round1 = (x: number): number => round(x, 1);
