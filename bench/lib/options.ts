import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export const PARTS = ['calibration', 'read', 'depth', 'discovery', 'write', 'fanout', 'memory'] as const;
export type Part = (typeof PARTS)[number];

export interface Options {
  only: Set<Part>;
  /** Reader counts of the fan-out measurement. */
  ks: number[];
  runs: number;
  /** Seconds of each measured load window (read, write, calibration). */
  duration: number;
  /** Seconds of warm-up before each measured load window. */
  warmup: number;
  /** Passes --cpu-prof to the app, writing a .cpuprofile into bench/results/. */
  profile: boolean;
  /** Keeps the benchmark database instead of dropping it at the end (to look at it afterwards). */
  keepDb: boolean;
  /** Waits for other processes to be quiet and measures disturbed windows again (default on). */
  quietGuard: boolean;
  /** Seconds the quiet guard may spend in all, waiting and measuring again (default 300). */
  quietBudget: number;
  /** Uses the embedded database even when a PostgreSQL answers (to try the embedded path). */
  embedded: boolean;
  /** Also measures the fan-out across two app instances sharing the database and a Redis server. */
  cluster: boolean;
  /** Reader counts of the two-instance fan-out (--k, else 100); empty without --cluster. */
  clusterKs: number[];
  /** `--cluster N`: N instances behind nginx (deploy/nginx.conf), fan-out at the K of --k and reads through it; 0: none. */
  proxied: number;
  /** Extra flags for the app's node process (experiments such as --max-old-space-size=160). */
  appFlags: string[];
}

export const USAGE = `npm run bench -- [options]      (or: node dist/bench/run.js [options] after a build)

  --only LIST      parts to measure, comma-separated: ${PARTS.join(', ')} (default: all)
  --k LIST         readers of the fan-out measurement (default: 10,100,500,1000; each 1–5000); with --cluster
                   also of the two-instance one (default there: 100); with --cluster N, default 100,1000,3000
  --runs N         runs of every measurement; the table shows medians (default: 3; 1–10)
  --duration S     seconds of each read/write/calibration window (default: 10; 1–60)
  --warmup S       seconds of warm-up before each window (default: 2; 0–30)
  --profile        start the app with --cpu-prof; the profile lands in bench/results/
  --keep-db        do not drop the benchmark database at the end
  --no-quiet-guard measure every window once, even when other processes take CPU during it
  --quiet-budget S seconds the quiet guard may spend waiting and re-measuring in all (default: 300; 0–3600)
  --embedded       use the embedded database even when PostgreSQL answers (its figures are not comparable)
  --cluster        also measure the fan-out across two app instances sharing the database and a Redis server:
                   the writer posts to instance A, half the readers are on A and half on B (needs PostgreSQL
                   and Redis; K from --k, default 100; each K at least 2)
  --cluster N      instead: N instances (2–5) behind Debian's nginx running deploy/nginx.conf (NGINX_PATH, else
                   /usr/sbin/nginx), on the same database and Redis; the writer and every reader go through nginx,
                   which spreads them; fan-out at the K of --k (beside the single instance's) and, with read in
                   --only, the reads through the proxy
  --app-flags=F    node flags for the app process, after those of npm start (its heap cap), e.g. --app-flags="--max-old-space-size=256"
  --help           this text

Database: BENCH_DATABASE_URL (a PostgreSQL server where a database setback_bench_<time> is created and dropped),
else postgres://postgres@127.0.0.1:5432/postgres when it answers, else the embedded database in a temp folder.
Redis (--cluster only): BENCH_REDIS_URL, else redis://127.0.0.1:6379; the run uses keys and channels under a
prefix of its own and deletes its keys at the end. When Redis does not answer, the two-instance rows are skipped.`;

export class UsageError extends Error {}

function intIn(name: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  return Number(raw);
}

/**
 * The node flags `npm start` gives the app (its heap cap), read from package.json so the bench measures the app
 * as it is run; --app-flags adds to them (a later --max-old-space-size wins).
 */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((w) => /^--[a-z0-9-]+(=[\w.,:/-]+)?$/i.test(w));
}

function appFlags(raw: string | undefined): string[] {
  const flags = (raw ?? '').split(/\s+/).filter(Boolean);
  for (const f of flags) if (!/^--[a-z0-9-]+(=[\w.,:/-]+)?$/i.test(f)) throw new UsageError(`--app-flags: "${f}" is not a node flag (--name or --name=value)`);
  return flags;
}

export function parseOptions(argv: string[]): Options | 'help' {
  let values;
  // `--cluster N` (or --cluster=N): N instances behind nginx; `--cluster` alone: the two instances side by side
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const eq = /^--cluster=(.*)$/.exec(argv[i]);
    if (eq) args.push(`--instances=${eq[1]}`);
    else if (argv[i] === '--cluster' && /^\d+$/.test(argv[i + 1] ?? '')) args.push(`--instances=${argv[++i]}`);
    else args.push(argv[i]);
  }
  try {
    ({ values } = parseArgs({
      args,
      options: {
        only: { type: 'string' },
        k: { type: 'string' },
        runs: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        profile: { type: 'boolean' },
        'keep-db': { type: 'boolean' },
        'app-flags': { type: 'string' },
        embedded: { type: 'boolean' },
        cluster: { type: 'boolean' },
        instances: { type: 'string' },
        'no-quiet-guard': { type: 'boolean' },
        'quiet-budget': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (values.help) return 'help';
  const only = new Set<Part>();
  for (const p of (values.only ?? PARTS.join(',')).split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(PARTS as readonly string[]).includes(p)) throw new UsageError(`--only: unknown part "${p}" (known: ${PARTS.join(', ')})`);
    only.add(p as Part);
  }
  if (!only.size) throw new UsageError('--only needs at least one part');
  const proxied = values.instances === undefined ? 0 : intIn('cluster', values.instances, 2, 5);
  if (proxied && values.cluster) throw new UsageError('--cluster and --cluster N: choose one');
  if (proxied && values.embedded) throw new UsageError('--cluster N needs PostgreSQL: instances cannot share the embedded database (drop --embedded)');
  if (proxied && !only.has('fanout') && !only.has('read')) throw new UsageError('--cluster N measures the fan-out and the reads: include fanout or read in --only');
  const ks = (values.k ?? (proxied ? '100,1000,3000' : '10,100,500,1000')).split(',').map((s) => intIn('k', s, 1, 5000));
  const cluster = values.cluster ?? false;
  const clusterKs = cluster ? (values.k === undefined ? [100] : ks) : [];
  if (cluster) {
    if (values.embedded) throw new UsageError('--cluster needs PostgreSQL: two app instances cannot share the embedded database (drop --embedded)');
    if (!only.has('fanout')) throw new UsageError('--cluster measures the fan-out: include fanout in --only');
    if (clusterKs.some((k) => k < 2)) throw new UsageError('--cluster splits the readers over two instances: every --k must be at least 2');
  }
  return {
    only,
    ks: [...new Set(ks)].sort((a, b) => a - b),
    cluster,
    clusterKs: [...new Set(clusterKs)].sort((a, b) => a - b),
    proxied,
    runs: values.runs === undefined ? 3 : intIn('runs', values.runs, 1, 10),
    duration: values.duration === undefined ? 10 : intIn('duration', values.duration, 1, 60),
    warmup: values.warmup === undefined ? 2 : intIn('warmup', values.warmup, 0, 30),
    profile: values.profile ?? false,
    keepDb: values['keep-db'] ?? false,
    appFlags: [...startFlags(), ...appFlags(values['app-flags'])],
    embedded: values.embedded ?? false,
    quietGuard: !(values['no-quiet-guard'] ?? false),
    quietBudget: values['quiet-budget'] === undefined ? 300 : intIn('quiet-budget', values['quiet-budget'], 0, 3600),
  };
}
