/**
 * `npm run bench`: starts the built app as a child process against a fresh benchmark database, seeds it with SQL,
 * and measures reads, writes, live fan-out, deep threads and search, and memory; with --cluster also the fan-out
 * across two instances sharing the database and Redis. Prints progress, a table (figure, measured, target) and
 * writes everything to bench/results/<time>.json. Loopback only, bounded in time.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { AppProcess, freePort, startAppProcess } from './lib/app-process.js';
import { CpuMeter, CpuShare } from './lib/cpu.js';
import { forceFullGc } from './lib/gc.js';
import { HttpClient } from './lib/http.js';
import { elapsedSeconds, log } from './lib/log.js';
import { Options, parseOptions, Part, USAGE, UsageError } from './lib/options.js';
import { MetricsProbe } from './lib/probe.js';
import { benchRedisUrl, deleteKeys, redisProblem } from './lib/redis.js';
import { calibrationRow, clusterFanoutRows, clusterSkippedRow, depthRows, fanoutRow, memoryRows, proxiedFanoutRow, proxiedReadRow, readRow, frontPageRow, socketMemoryRow, storyPageRow, renderTable, Row, writeRow } from './lib/report.js';
import { seed, Seeded } from './lib/seed.js';
import { sleep } from './lib/stats.js';
import { BenchTarget, createTarget, redact } from './lib/target.js';
import { Ctx, QuietGuard } from './scenarios/context.js';
import { depthSeries, DepthResult } from './scenarios/depth.js';
import { DiscoveryResult, discoveryRows, discoverySeries } from './scenarios/discovery.js';
import { ClusterFanoutResult, clusterFanoutSeries, fanoutSeries, FanoutResult, proxiedFanoutSeries, ProxiedFanoutResult } from './scenarios/fanout.js';
import { NGINX_PATH, type Nginx, startNginx } from './lib/nginx.js';
import { interleavedSeries, loadSeries, LoadSeries } from './scenarios/load.js';
import { writeSeries, WriteSeries } from './scenarios/write.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)); // dist/bench/run.js → the repository
const RESULTS = join(ROOT, 'bench', 'results');
const HARD_LIMIT_MS = 40 * 60_000; // whatever happens, the bench ends

interface Results {
  calibration?: LoadSeries;
  read?: LoadSeries[];
  storyPage?: LoadSeries;
  frontPage?: LoadSeries;
  depth?: DepthResult;
  /** Finding stories: lessons, similar while composing, the waiting list (issue 15). */
  discovery?: DiscoveryResult;
  write?: WriteSeries;
  fanout?: FanoutResult[];
  /** --cluster: the fan-out across two instances, or why it was not measured. */
  fanoutCluster?: ClusterRun | { skipped: string };
  /** --cluster N: N instances behind nginx, or why they were not measured. */
  proxied?: ProxiedRun | { skipped: string };
  memory?: {
    idleRssMb: number | null;
    afterRssMb: number | null;
    peakRssMb: number | null;
    idleHeap: HeapView | null;
    afterHeap: HeapView | null;
    gcRssMb: number | null;
    gcHeap: HeapView | null;
  };
}

interface ProxiedRun {
  redisPrefix: string;
  proxyUrl: string;
  nginxConfig: string;
  instances: { url: string; pid: number; logFile: string }[];
  fanout: ProxiedFanoutResult[];
  read: LoadSeries[];
}

interface ClusterRun {
  redisUrl: string;
  redisPrefix: string;
  /** A: the writer's instance; B: the other one. */
  instances: { name: string; url: string; pid: number; logFile: string }[];
  series: ClusterFanoutResult[];
  /** Keys the run left under its prefix (rate-limit counters), deleted at the end. */
  redisKeysDeleted: number | null;
}

/** What the app says of its own memory (prom-client default metrics), in MB. */
interface HeapView {
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
}

async function heapView(probe: MetricsProbe): Promise<HeapView | null> {
  try {
    const m = await probe.scrape();
    const mb = (k: string): number => Math.round(((m.get(k) ?? Number.NaN) / 2 ** 20) * 10) / 10;
    return { heapUsedMb: mb('nodejs_heap_size_used_bytes'), heapTotalMb: mb('nodejs_heap_size_total_bytes'), externalMb: mb('nodejs_external_memory_bytes') };
  } catch {
    return null;
  }
}

/** How much CPU other processes took during each part's measured windows: a busy machine depresses every figure. */
function interference(r: Results): Record<string, { meanPct: number; maxPct: number }> {
  const parts: Record<string, (CpuShare | undefined)[]> = {
    calibration: r.calibration?.runs.map((x) => x.cpu) ?? [],
    read: r.read?.flatMap((s) => s.runs.map((x) => x.cpu)) ?? [],
    write: r.write?.runs.map((x) => x.cpu) ?? [],
    fanout: r.fanout?.flatMap((f) => f.rounds.map((x) => x.cpu)) ?? [],
    'fan-out on 2 instances': r.fanoutCluster && 'series' in r.fanoutCluster ? r.fanoutCluster.series.flatMap((f) => f.rounds.map((x) => x.cpu)) : [],
  };
  const out: Record<string, { meanPct: number; maxPct: number }> = {};
  for (const [part, shares] of Object.entries(parts)) {
    const other = shares.map((c) => c?.otherPct).filter((x): x is number => typeof x === 'number');
    if (other.length) out[part] = { meanPct: Math.round(other.reduce((a, b) => a + b, 0) / other.length), maxPct: Math.max(...other) };
  }
  return out;
}

function statusField(pid: number, field: string): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function estimateSeconds(o: Options): number {
  const w = o.runs * (o.warmup + o.duration);
  let s = 25; // start, seed, stop
  if (o.only.has('calibration')) s += w;
  if (o.only.has('read')) s += 2 * w;
  if (o.only.has('write')) s += w;
  if (o.only.has('depth')) s += 20 + o.runs * 8;
  if (o.only.has('discovery')) s += 3 * w + o.runs * 20;
  if (o.only.has('fanout')) s += o.ks.reduce((a, k) => a + 3 + k / 80 + o.runs * 6.5, 0);
  if (o.cluster) s += 20 + o.clusterKs.reduce((a, k) => a + 3 + k / 80 + o.runs * 6.5, 0);
  if (o.proxied) s += 30 + (o.only.has('fanout') ? o.ks.reduce((a, k) => a + 3 + k / 80 + o.runs * 6.5, 0) : 0) + (o.only.has('read') ? 4 * w : 0);
  return s;
}

/** null when every instance says Redis is ready (/api/health/ready), within 15 s; else what is wrong. */
async function redisNotReady(instances: HttpClient[]): Promise<string | null> {
  const deadline = Date.now() + 15_000;
  let last = '';
  for (;;) {
    const answers = await Promise.all(
      instances.map((h) =>
        h.request('GET', '/api/health/ready').then(
          (r) => r.text,
          (e: unknown) => String(e),
        ),
      ),
    );
    if (answers.every((t) => /"redis":"ok"/.test(t))) return null;
    last = answers.join(' / ');
    if (Date.now() > deadline) return `they did not report Redis ready within 15 s (/api/health/ready: ${last.slice(0, 300)})`;
    await sleep(250);
  }
}

async function main(): Promise<void> {
  let opts: Options | 'help';
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${e.message}\n\n${USAGE}`);
      process.exit(2);
    }
    throw e;
  }
  if (opts === 'help') {
    console.log(USAGE);
    return;
  }
  const o = opts;
  if (!existsSync(join(ROOT, 'dist/src/main.js'))) throw new Error('dist/src/main.js is missing: build first (npm run bench builds).');
  mkdirSync(RESULTS, { recursive: true });
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
  const logFile = join(RESULTS, `${stamp}.app.log`);
  const has = (p: Part): boolean => o.only.has(p);
  log(
    `Setback benchmark: ${[...o.only].join(', ')}; ${o.runs} run(s), ${o.duration} s windows after ${o.warmup} s warm-up${has('fanout') ? `, fan-out K = ${o.ks.join(', ')}` : ''}` +
      `${o.cluster ? `, fan-out on 2 instances K = ${o.clusterKs.join(', ')}` : ''}${o.proxied ? `, ${o.proxied} instances behind nginx` : ''}`,
  );
  log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}. Expect about ${Math.ceil(estimateSeconds(o) / 60)} min (more on a busy machine: see the quiet guard).`);

  let target: BenchTarget | null = null;
  let app: AppProcess | null = null;
  /** --cluster: instances A and B, registered as soon as each is up, so that every exit path stops them. */
  const clusterApps: AppProcess[] = [];
  let clusterRedis: { url: string; prefix: string; cleaned: boolean } | null = null;
  let nginx: Nginx | null = null;
  let cleaning: Promise<void> | null = null;
  const cleanup = (): Promise<void> =>
    (cleaning ??= (async () => {
      if (nginx) await nginx.stop().catch((e: unknown) => log(`could not stop nginx: ${String(e)}`));
      if (app && !app.exited) await app.stop().catch((e: unknown) => log(`could not stop the app: ${String(e)}`));
      await Promise.all(clusterApps.filter((a) => !a.exited).map((a) => a.stop().catch((e: unknown) => log(`could not stop an app instance: ${String(e)}`))));
      if (clusterRedis && !clusterRedis.cleaned) {
        clusterRedis.cleaned = true;
        await deleteKeys(clusterRedis.url, clusterRedis.prefix).catch((e: unknown) => log(`could not delete the run's Redis keys under ${clusterRedis?.prefix}: ${String(e)}`));
      }
      if (target && !o.keepDb) await target.cleanup().catch((e: unknown) => log(`could not remove the benchmark database: ${String(e)}`));
      else if (target?.databaseName) log(`Kept the benchmark database ${target.databaseName} (--keep-db).`);
    })());
  const abort = (why: string, code: number): void => {
    log(why);
    void cleanup().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => abort('Interrupted: stopping the app and removing the benchmark database…', 130));
  process.once('SIGTERM', () => abort('Terminated: stopping the app and removing the benchmark database…', 143));
  setTimeout(() => abort(`The bench ran for more than ${HARD_LIMIT_MS / 60_000} min: stopping.`, 3), HARD_LIMIT_MS).unref();

  const results: Results = {};
  const rows: Row[] = [];
  let seeded: Seeded | null = null;
  const routeCounts: Record<string, number> = {};
  let quietStats: { enabled: boolean; budgetSeconds: number; waitedSeconds: number; retries: number; retriedSeconds: number } | null = null;
  let failure: unknown = null;
  try {
    target = await createTarget(stamp, o.embedded);
    const metricsToken = randomBytes(24).toString('base64url');
    // OVERLOAD_LAG_MS=0: the bench measures what the app can serve, so it must not shed reads (503) when the event
    // loop lags, which on a machine shared with other work it would (measured: /api/metrics answered 503 mid-window)
    const env = { ...target.appEnv, METRICS_TOKEN: metricsToken, REVIEW_FIRST_POSTS: '0', OVERLOAD_LAG_MS: '0' };

    log('Starting the app once to apply the migrations…');
    const first = await startAppProcess({ root: ROOT, env, logFile, name: 'migrate' });
    await first.stop();

    log('Seeding with SQL…');
    const sql = await target.open();
    try {
      seeded = await seed(sql, { readers: Math.max(1000, ...o.ks, ...o.clusterKs), depth: has('depth'), search: has('depth') || has('read') || has('discovery') });
    } finally {
      await sql.close();
    }
    log(`Seeded in ${seeded.seconds.toFixed(1)} s.`);

    // the inspector stays closed until the memory measurement asks for a full GC through it (SIGUSR1)
    const inspectPort = await freePort();
    const nodeArgs = [`--inspect-port=127.0.0.1:${inspectPort}`, ...o.appFlags, ...(o.profile ? ['--cpu-prof', `--cpu-prof-dir=${RESULTS}`, `--cpu-prof-name=app-${stamp}.cpuprofile`] : [])];
    log(`Starting the app for the measurements${nodeArgs.length ? ` (node ${nodeArgs.join(' ')})` : ''}…`);
    app = await startAppProcess({ root: ROOT, env, logFile, nodeArgs, name: 'bench' });
    const running = app;
    const http = new HttpClient(app.url, 8);
    // the app processes whose CPU counts as "app": this one, then the two instances of --cluster
    let appPids = (): number[] => (running.exited ? [] : [running.pid]);
    const cpu = new CpuMeter(() => appPids(), target.local);
    const quiet = new QuietGuard(cpu, o.quietGuard, o.quietBudget);
    const ctx: Ctx = { app, http, seeded, opts: o, cpu, probe: new MetricsProbe(http, metricsToken), quiet };
    await sleep(3000);
    const idleRss = app.rssMb();
    const idleHeap = await heapView(ctx.probe);
    log(`App pid ${app.pid} on ${app.url}; idle RSS ${idleRss === null ? 'n/a' : `${Math.round(idleRss)} MB`}${idleHeap ? `, JS heap ${idleHeap.heapUsedMb} of ${idleHeap.heapTotalMb} MB` : ''}.`);

    if (has('calibration')) {
      log('Calibration: GET /api/health, 50 connections');
      results.calibration = await loadSeries(ctx, 'GET /api/health', '/api/health', []);
      rows.push(calibrationRow(results.calibration));
    }
    if (has('read')) {
      const cookies = seeded.readers.map((r) => r.cookie);
      log(`Read: a story of 100 replies, 50 connections, each a signed-in member`);
      // the story page in one request beside the two reads it replaces, measured turn about (their ratio is the target)
      const [story, replies, page] = await interleavedSeries(
        ctx,
        [
          { name: 'GET /api/threads/:id', path: `/api/threads/${seeded.readThreadId}` },
          { name: 'GET /api/threads/:id/replies?limit=20', path: `/api/threads/${seeded.readThreadId}/replies?limit=20` },
          { name: 'GET /api/threads/:id?include=replies&limit=20', path: `/api/threads/${seeded.readThreadId}?include=replies&limit=20` },
        ],
        cookies,
      );
      results.read = [story, replies];
      results.storyPage = page;
      rows.push(...results.read.map(readRow), storyPageRow(page, story));
      // no target in the issue, but the page every visit starts with: 20 stories of the 20,000 seeded ones
      results.frontPage = await loadSeries(ctx, 'GET /api/threads?limit=20', '/api/threads?limit=20', cookies);
      rows.push(frontPageRow(results.frontPage));
    }
    if (has('depth')) {
      log('Depth: 100,000 replies and 20,000 stories, one request at a time');
      results.depth = await depthSeries(ctx);
      rows.push(...depthRows(results.depth));
    }
    if (has('discovery')) {
      log('Finding stories: lessons, similar stories while composing, the waiting list over 20,000 stories; one at a time, then 10 connections');
      results.discovery = await discoverySeries(ctx);
      rows.push(...discoveryRows(results.discovery));
    }
    if (has('write')) {
      log(`Write: ${seeded.writers.length} members replying back to back in one shared story`);
      results.write = await writeSeries(ctx);
      rows.push(writeRow(results.write));
    }
    if (has('fanout')) {
      log('Fan-out: readers on sockets, one writer posting 50 replies at 10 per second');
      results.fanout = await fanoutSeries(ctx);
      rows.push(...results.fanout.map(fanoutRow));
      const socketMemory = socketMemoryRow(results.fanout);
      if (socketMemory) rows.push(socketMemory);
    }
    const clusterRowsAt = rows.length; // the two-instance rows go right below the single-instance fan-out
    const afterRss = app.rssMb();
    const peakRss = statusField(app.pid, 'VmHWM');
    const afterHeap = await heapView(ctx.probe);
    log(`After the run: RSS ${afterRss === null ? 'n/a' : `${Math.round(afterRss)} MB`} (peak ${peakRss === null ? 'n/a' : `${Math.round(peakRss)} MB`})${afterHeap ? `, JS heap ${afterHeap.heapUsedMb} of ${afterHeap.heapTotalMb} MB, external ${afterHeap.externalMb} MB` : ''}.`);
    let gcRss: number | null = null;
    let gcHeap: HeapView | null = null;
    if (has('memory')) {
      // right after load the JS heap still holds garbage; a full GC shows what the app really keeps (a leak would stay)
      if (await forceFullGc(app.pid, inspectPort)) {
        await sleep(1000);
        gcRss = app.rssMb();
        gcHeap = await heapView(ctx.probe);
        log(`After a full GC: RSS ${gcRss === null ? 'n/a' : `${Math.round(gcRss)} MB`}${gcHeap ? `, JS heap ${gcHeap.heapUsedMb} of ${gcHeap.heapTotalMb} MB` : ''}.`);
      } else log('(could not make the app run a full GC through the inspector)');
      results.memory = { idleRssMb: idleRss, afterRssMb: afterRss, peakRssMb: peakRss, idleHeap, afterHeap, gcRssMb: gcRss, gcHeap };
      rows.push(...memoryRows(idleRss, afterRss, peakRss, gcRss));
    }
    try {
      const m = await ctx.probe.scrape();
      for (const [k, v] of m) if (k.startsWith('http_request_duration_seconds_count')) routeCounts[k.slice('http_request_duration_seconds_count'.length)] = v;
    } catch (e) {
      log(`(could not read /api/metrics at the end: ${String(e)})`);
    }

    if (o.cluster) {
      // after everything else, so the single instance's figures (memory included) are measured as without --cluster
      const redisUrl = benchRedisUrl();
      const redisDown = target.kind === 'postgres' ? await redisProblem(redisUrl) : null;
      const why =
        target.kind !== 'postgres'
          ? 'two instances cannot share the embedded database, and no PostgreSQL answered (see BENCH_DATABASE_URL)'
          : redisDown
            ? `Redis at ${redact(redisUrl)} does not answer (${redisDown}); start one or set BENCH_REDIS_URL`
            : null;
      let run: ClusterRun | null = null;
      if (!why) {
        log('Fan-out on 2 instances: stopping the single instance; starting A and B on the same database and Redis');
        await app.stop();
        const prefix = `setback-bench-${stamp}-${randomBytes(3).toString('hex')}:`;
        clusterRedis = { url: redisUrl, prefix, cleaned: false };
        const clusterEnv = { ...env, REDIS_URL: redisUrl, REDIS_PREFIX: prefix };
        // same env and node flags as the single instance; no inspector (no GC measurement) and no --cpu-prof here
        const names = ['A', 'B'];
        const logFiles = names.map((n) => join(RESULTS, `${stamp}.app-${n.toLowerCase()}.log`));
        const started = await Promise.allSettled(
          names.map((n, i) =>
            startAppProcess({ root: ROOT, env: clusterEnv, logFile: logFiles[i], nodeArgs: o.appFlags, name: `instance ${n}` }).then((p) => {
              clusterApps.push(p);
              return p;
            }),
          ),
        );
        const failed = started.find((x): x is PromiseRejectedResult => x.status === 'rejected');
        if (failed) throw failed.reason;
        const [a, b] = started.map((x) => (x as PromiseFulfilledResult<AppProcess>).value);
        appPids = () => [a, b].filter((p) => !p.exited).map((p) => p.pid);
        const httpA = new HttpClient(a.url, 8);
        const httpB = new HttpClient(b.url, 8);
        try {
          const notReady = await redisNotReady([httpA, httpB]);
          if (notReady) {
            log(`!! The two instances started but ${notReady}.`);
            log('!! The fan-out on 2 instances is SKIPPED.');
            results.fanoutCluster = { skipped: notReady };
            rows.splice(clusterRowsAt, 0, clusterSkippedRow(notReady));
          } else {
            log(`Instance A (writer, pid ${a.pid}) on ${a.url}, instance B (pid ${b.pid}) on ${b.url}; Redis ${redact(redisUrl)}, prefix ${prefix}`);
            await sleep(2000);
            const cctx: Ctx = { ...ctx, app: a, http: httpA, probe: new MetricsProbe(httpA, metricsToken) };
            const series = await clusterFanoutSeries(cctx, { url: b.url, probe: new MetricsProbe(httpB, metricsToken) });
            run = {
              redisUrl: redact(redisUrl),
              redisPrefix: prefix,
              instances: [a, b].map((p, i) => ({ name: names[i], url: p.url, pid: p.pid, logFile: logFiles[i] })),
              series,
              redisKeysDeleted: null,
            };
            results.fanoutCluster = run;
            rows.splice(clusterRowsAt, 0, ...series.flatMap(clusterFanoutRows));
          }
        } finally {
          httpA.close();
          httpB.close();
          await Promise.all([a, b].map((p) => p.stop()));
          appPids = () => [];
          clusterRedis.cleaned = true;
          const deleted = await deleteKeys(redisUrl, prefix).catch((e: unknown) => {
            log(`could not delete the run's Redis keys under ${prefix}: ${String(e)}`);
            return null;
          });
          if (run) run.redisKeysDeleted = deleted;
          log(`Stopped instances A and B${deleted === null ? '' : `; deleted the run's ${deleted} Redis key(s) under ${prefix}`}.`);
        }
      } else {
        log('');
        log(`!! --cluster: ${why}.`);
        log('!! The fan-out on 2 instances is SKIPPED; the other figures are measured as usual.');
        log('');
        results.fanoutCluster = { skipped: why };
        rows.splice(clusterRowsAt, 0, clusterSkippedRow(why));
      }
    }
    if (o.proxied) {
      // N instances behind nginx (deploy/nginx.conf), after everything else like --cluster
      const redisUrl = benchRedisUrl();
      const redisDown = target.kind === 'postgres' ? await redisProblem(redisUrl) : null;
      const why =
        target.kind !== 'postgres'
          ? 'instances cannot share the embedded database, and no PostgreSQL answered (see BENCH_DATABASE_URL)'
          : redisDown
            ? `Redis at ${redact(redisUrl)} does not answer (${redisDown}); start one or set BENCH_REDIS_URL`
            : !existsSync(NGINX_PATH)
              ? `no nginx at ${NGINX_PATH} (apt-get install -y nginx, or set NGINX_PATH)`
              : null;
      const label = `${o.proxied} instances behind nginx`;
      if (why) {
        log('');
        log(`!! --cluster ${o.proxied}: ${why}.`);
        log(`!! The ${label} are SKIPPED; the other figures are measured as usual.`);
        log('');
        results.proxied = { skipped: why };
        rows.push({ figure: `${label}: SKIPPED`, measured: `not measured: ${why}`, target: '–', ok: null });
      } else {
        log(`${label}: stopping the single instance; starting ${o.proxied} on the same database and Redis, and nginx in front`);
        if (!app.exited) await app.stop();
        const prefix = `setback-bench-${stamp}-${randomBytes(3).toString('hex')}:`;
        clusterRedis = { url: redisUrl, prefix, cleaned: false };
        const clusterEnv = { ...env, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, TRUST_PROXY: 'true' };
        const logFiles = Array.from({ length: o.proxied }, (_, i) => join(RESULTS, `${stamp}.app-${i + 1}.log`));
        const started = await Promise.allSettled(
          logFiles.map((logFile, i) =>
            startAppProcess({ root: ROOT, env: clusterEnv, logFile, nodeArgs: o.appFlags, name: `instance ${i + 1}` }).then((p) => {
              clusterApps.push(p);
              return p;
            }),
          ),
        );
        const failed = started.find((x): x is PromiseRejectedResult => x.status === 'rejected');
        if (failed) throw failed.reason;
        const apps = started.map((x) => (x as PromiseFulfilledResult<AppProcess>).value);
        appPids = () => apps.filter((p) => !p.exited).map((p) => p.pid);
        const https = apps.map((p) => new HttpClient(p.url, 8));
        const probes = https.map((h) => new MetricsProbe(h, metricsToken));
        try {
          const notReady = await redisNotReady(https);
          if (notReady) throw new Error(`the ${o.proxied} instances started but ${notReady}`);
          nginx = await startNginx(apps.map((p) => Number(new URL(p.url).port)));
          const proxy = nginx.url;
          log(`nginx on ${proxy} in front of ${apps.map((p) => `${p.url} (pid ${p.pid})`).join(', ')}; Redis ${redact(redisUrl)}, prefix ${prefix}`);
          await sleep(2000);
          // the first instance stands for "the app" where one is needed (its metrics are watched by measure())
          const proxyHttp = new HttpClient(proxy, 8);
          const pctx: Ctx = { ...ctx, app: { ...apps[0], url: proxy }, http: proxyHttp, probe: probes[0] };
          const run: ProxiedRun = {
            redisPrefix: prefix,
            proxyUrl: proxy,
            nginxConfig: nginx.config,
            instances: apps.map((p, i) => ({ url: p.url, pid: p.pid, logFile: logFiles[i] })),
            fanout: [],
            read: [],
          };
          results.proxied = run;
          try {
            if (has('fanout')) {
              log(`Fan-out through nginx: the writer and every reader connect to ${proxy}`);
              run.fanout = await proxiedFanoutSeries(pctx, proxy, probes);
              rows.push(...run.fanout.map((f) => proxiedFanoutRow(f, results.fanout?.find((x) => x.k === f.k))));
            }
            if (has('read')) {
              log(`Reads through nginx (${label}), 50 connections`);
              const cookies = seeded.readers.map((r) => r.cookie);
              run.read = await interleavedSeries(
                pctx,
                [
                  { name: 'GET /api/health', path: '/api/health' },
                  { name: 'GET /api/threads/:id', path: `/api/threads/${seeded.readThreadId}` },
                  { name: 'GET /api/threads/:id/replies?limit=20', path: `/api/threads/${seeded.readThreadId}/replies?limit=20` },
                  { name: 'GET /api/threads/:id?include=replies&limit=20', path: `/api/threads/${seeded.readThreadId}?include=replies&limit=20` },
                ],
                cookies,
              );
              const single = [results.calibration, ...(results.read ?? []), results.storyPage];
              rows.push(...run.read.map((s) => proxiedReadRow(s, o.proxied, single.find((x) => x?.name === s.name))));
            }
          } finally {
            proxyHttp.close();
          }
        } finally {
          for (const h of https) h.close();
          if (nginx) await nginx.stop();
          nginx = null;
          await Promise.all(apps.map((p) => p.stop()));
          appPids = () => [];
          clusterRedis.cleaned = true;
          const deleted = await deleteKeys(redisUrl, prefix).catch(() => null);
          log(`Stopped nginx and the ${o.proxied} instances${deleted === null ? '' : `; deleted the run's ${deleted} Redis key(s) under ${prefix}`}.`);
        }
      }
    }
    quietStats = { enabled: o.quietGuard, budgetSeconds: o.quietBudget, waitedSeconds: Math.round(quiet.waitedSeconds), retries: quiet.retries, retriedSeconds: Math.round(quiet.retriedSeconds) };
    if (quiet.retries || quiet.waitedSeconds > 60) log(`Quiet guard: waited ${Math.round(quiet.waitedSeconds)} s for quiet moments, measured ${quiet.retries} disturbed window(s) again.`);
    http.close();
  } catch (e) {
    failure = e;
  } finally {
    await cleanup();
  }

  const finishedAt = new Date();
  const json = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    seconds: Math.round(elapsedSeconds()),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, totalMemMb: Math.round(os.totalmem() / 2 ** 20), node: process.version, platform: `${os.type()} ${os.release()}` },
    database: target ? { kind: target.kind, description: target.description, serverVersion: target.serverVersion, kept: o.keepDb } : null,
    options: { ...o, only: [...o.only] },
    seed: seeded
      ? {
          readers: seeded.readers.length,
          writers: seeded.writers.length,
          depthReplies: seeded.depthReplies,
          searchStories: seeded.searchStories,
          searchWord: seeded.searchWord,
          searchMatches: seeded.searchMatches,
          seconds: seeded.seconds,
        }
      : null,
    results,
    otherProcessesCpu: interference(results),
    quietGuard: quietStats,
    requestCountsByRoute: routeCounts,
    table: rows,
    error: failure ? String(failure instanceof Error ? failure.stack : failure) : null,
  };
  const file = join(RESULTS, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);

  if (rows.length) {
    console.log('');
    if (target?.kind === 'embedded') console.log('NOTE: measured on the EMBEDDED database; the targets are for PostgreSQL.\n');
    console.log(renderTable(rows));
    console.log('');
    const busy = Object.entries(interference(results)).filter(([, v]) => v.meanPct >= 15);
    if (busy.length) {
      console.log(
        `WARNING: other processes on this machine used CPU during the measurements (mean, % of one core): ${busy.map(([p, v]) => `${p} ${v.meanPct}% (max ${v.maxPct}%)`).join(', ')}.\n` +
          'Those figures are lower than this machine can do; run the bench again when it is quiet.\n',
      );
    }
  }
  log(`Results: ${file}`);
  log(`App log: ${logFile}`);
  if (results.fanoutCluster && 'series' in results.fanoutCluster) log(`Logs of instances A and B: ${results.fanoutCluster.instances.map((i) => i.logFile).join(', ')}`);
  if (o.profile) log(`CPU profile of the app: ${join(RESULTS, `app-${stamp}.cpuprofile`)} (open it in Chrome DevTools › Performance, or speedscope)`);
  if (failure) {
    console.error('\nThe benchmark failed:', failure);
    process.exit(1);
  }
  const missed = rows.filter((r) => r.ok === false).length;
  log(missed ? `${missed} figure(s) missed their target.` : 'Every figure with a target met it.');
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error('The benchmark could not run:', e);
  process.exit(1);
});
