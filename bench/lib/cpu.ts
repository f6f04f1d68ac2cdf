import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux (getconf CLK_TCK)

function processTicks(pid: number | string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return null;
  }
}

/** Every process named postgres on this machine (the server's backends, checkpointer, walwriter…). */
function postgresTicks(): Map<string, number> {
  const out = new Map<string, number>();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      const t = processTicks(pid);
      if (t !== null) out.set(pid, t);
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

function machineTicks(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = v[3] + (v[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

interface Snapshot {
  at: number;
  app: number | null;
  pg: Map<string, number>;
  bench: NodeJS.CpuUsage;
  machine: { busy: number; total: number } | null;
}

/** Where the CPU went during a window, in % of one core (2 cores = 200 %). */
export interface CpuShare {
  seconds: number;
  appPct: number | null;
  postgresPct: number | null;
  benchPct: number;
  machineBusyPct: number | null;
  /** Busy CPU of everything else on the machine (other people's builds and tests skew a run: look here first). */
  otherPct: number | null;
  cores: number;
}

/** The CPU ticks of the app processes together (one, or both instances of the two-instance fan-out). */
function appTicks(pids: number | readonly number[] | null): number | null {
  const list = pids === null ? [] : typeof pids === 'number' ? [pids] : pids;
  let sum: number | null = null;
  for (const pid of list) {
    const t = processTicks(pid);
    if (t !== null) sum = (sum ?? 0) + t;
  }
  return sum;
}

/**
 * Reads /proc before and after a measurement: the app child (or children: their CPU is added up as "app"), the
 * local PostgreSQL processes, the bench itself.
 */
export class CpuMeter {
  constructor(
    private readonly appPid: () => number | readonly number[] | null,
    private readonly postgresLocal: boolean,
  ) {}

  start(): Snapshot {
    return { at: Date.now(), app: appTicks(this.appPid()), pg: this.postgresLocal ? postgresTicks() : new Map(), bench: process.cpuUsage(), machine: machineTicks() };
  }

  stop(s: Snapshot): CpuShare {
    const seconds = (Date.now() - s.at) / 1000;
    const appNow = appTicks(this.appPid());
    const pct = (ticks: number): number => Math.round((ticks / TICKS_PER_SECOND / seconds) * 1000) / 10;
    let pgTicks = 0;
    if (this.postgresLocal) {
      // backends that started during the window count from zero; those that ended are lost (the app's pool keeps its own)
      for (const [p, t] of postgresTicks()) pgTicks += t - (s.pg.get(p) ?? 0);
    }
    const bench = process.cpuUsage(s.bench);
    const m = machineTicks();
    const cores = os.cpus().length;
    const machineBusyPct = m && s.machine ? Math.round(((m.busy - s.machine.busy) / Math.max(1, m.total - s.machine.total)) * cores * 1000) / 10 : null;
    const appPct = appNow !== null && s.app !== null ? pct(appNow - s.app) : null;
    const postgresPct = this.postgresLocal ? pct(pgTicks) : null;
    const benchPct = Math.round(((bench.user + bench.system) / 1e6 / seconds) * 1000) / 10;
    return {
      seconds: Math.round(seconds * 10) / 10,
      appPct,
      postgresPct,
      benchPct,
      machineBusyPct,
      otherPct: machineBusyPct === null ? null : Math.max(0, Math.round((machineBusyPct - (appPct ?? 0) - (postgresPct ?? 0) - benchPct) * 10) / 10),
      cores,
    };
  }
}

export function describeCpu(c: CpuShare | undefined): string {
  if (!c) return '';
  const f = (x: number | null): string => (x === null ? '–' : `${x}%`);
  return `CPU (100% = one core of ${c.cores}): app ${f(c.appPct)}, postgres ${f(c.postgresPct)}, bench ${c.benchPct}%, other processes ${f(c.otherPct)}`;
}
