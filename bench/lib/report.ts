import type { DepthResult } from '../scenarios/depth.js';
import type { ClusterFanoutResult, DeliveriesMedian, FanoutResult, ProxiedFanoutResult } from '../scenarios/fanout.js';
import type { LoadSeries } from '../scenarios/load.js';
import type { WriteSeries } from '../scenarios/write.js';
import { median, round } from './stats.js';

export interface Row {
  figure: string;
  measured: string;
  target: string;
  /** true: meets the target; false: misses it; null: no target. */
  ok: boolean | null;
}

const ms = (x: number): string => (Number.isFinite(x) ? `${x < 10 ? round(x, 1) : Math.round(x)} ms` : 'n/a');
const int = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en') : 'n/a');

/** Fan-out p99 targets by number of readers. */
export const FANOUT_P99_TARGET: Record<number, number> = { 100: 50, 500: 100, 1000: 200, 2000: 200, 5000: 500 };

export function calibrationRow(s: LoadSeries): Row {
  return { figure: 'calibration: GET /api/health (50 conn.)', measured: `${int(s.median.reqPerSec)} req/s, p50 ${ms(s.median.p50)}, p99 ${ms(s.median.p99)}`, target: '(ceiling of the HTTP stack here)', ok: null };
}

export function readRow(s: LoadSeries): Row {
  const ok = s.median.reqPerSec >= 900 && s.median.p99 <= 100 && s.median.non2xx === 0 && s.median.errors === 0;
  return {
    figure: `read: ${s.name} (50 conn.)`,
    measured: `${int(s.median.reqPerSec)} req/s, p50 ${ms(s.median.p50)}, p99 ${ms(s.median.p99)}, non-2xx ${s.median.non2xx}${s.median.errors ? `, errors ${s.median.errors}` : ''}`,
    target: '≥ 900 req/s, p99 ≤ 100 ms',
    ok,
  };
}

/**
 * The story and its first 20 replies in one request; target: at least 0.75× the story read alone, run by run (the
 * runs are interleaved). Also the ratio of the app's CPU per request (story read ÷ story page), which a machine
 * shared with other work disturbs less than throughput.
 */
export function storyPageRow(s: LoadSeries, story: LoadSeries): Row {
  const ratio = median(s.runs.map((r, i) => r.reqPerSec / (story.runs[i]?.reqPerSec ?? NaN)));
  const cpuPerReq = (r: LoadSeries['runs'][number]): number => ((r.cpu.appPct ?? NaN) * 10) / r.reqPerSec; // ms of one core
  const cpuRatio = median(s.runs.map((r, i) => (story.runs[i] ? cpuPerReq(story.runs[i]) / cpuPerReq(r) : NaN)));
  return {
    figure: `read: story page (one request), ${s.name} (50 conn.)`,
    measured:
      `${int(s.median.reqPerSec)} req/s (${ratio.toFixed(2)}× the story read; by app CPU per request ${Number.isFinite(cpuRatio) ? cpuRatio.toFixed(2) : 'n/a'}×), ` +
      `p50 ${ms(s.median.p50)}, p99 ${ms(s.median.p99)}, non-2xx ${s.median.non2xx}${s.median.errors ? `, errors ${s.median.errors}` : ''}`,
    target: '≥ 0.75× the story read, 0 non-2xx',
    ok: ratio >= 0.75 && s.median.non2xx === 0 && s.median.errors === 0,
  };
}

export function frontPageRow(s: LoadSeries): Row {
  return {
    figure: `read: ${s.name}, the front page (50 conn.)`,
    measured: `${int(s.median.reqPerSec)} req/s, p50 ${ms(s.median.p50)}, p99 ${ms(s.median.p99)}, non-2xx ${s.median.non2xx}${s.median.errors ? `, errors ${s.median.errors}` : ''}`,
    target: '–',
    ok: null,
  };
}

export function writeRow(s: WriteSeries): Row {
  const ok = s.median.repliesPerSec >= 200 && s.median.p99 <= 150 && s.median.failures === 0;
  return {
    figure: `write: ${s.writers} members replying back to back`,
    measured: `${int(s.median.repliesPerSec)} replies/s, p50 ${ms(s.median.p50)}, p99 ${ms(s.median.p99)}, failures ${s.median.failures}`,
    target: '≥ 200 replies/s, p99 ≤ 150 ms, 0 failures',
    ok,
  };
}

/** A fan-out row: the target is by the number of readers of the story, wherever they are connected. */
function deliveryRow(figure: string, k: number, m: DeliveriesMedian, joinFailures: number, postFailures: number): Row {
  const p99Target = FANOUT_P99_TARGET[k];
  const clean = m.lost === 0 && m.duplicated === 0 && joinFailures === 0 && postFailures === 0;
  return {
    figure,
    measured:
      `p50 ${ms(m.p50)}, p99 ${ms(m.p99)}, max ${ms(m.max)}, lost ${m.lost}, duplicated ${m.duplicated}` +
      `${joinFailures ? `, ${joinFailures} could not join` : ''}${postFailures ? `, ${postFailures} POSTs failed` : ''}`,
    target: `${p99Target ? `p99 ≤ ${p99Target} ms, ` : ''}0 lost, 0 duplicated`,
    ok: clean && (p99Target === undefined || m.p99 <= p99Target),
  };
}

export function fanoutRow(f: FanoutResult): Row {
  return deliveryRow(`fan-out: ${f.k.toLocaleString('en')} readers, 50 replies at 10/s`, f.k, f.median, f.joinFailures, f.median.postFailures);
}

/** Two rows per K: the readers on the writer's instance, and those on the other one (each delivery through Redis). */
export function clusterFanoutRows(f: ClusterFanoutResult): Row[] {
  return f.instances.map((g, i) =>
    deliveryRow(
      `fan-out (2 instances, readers on the ${i === 0 ? 'same' : 'other'} instance): ${f.k.toLocaleString('en')} readers (${g.readers.toLocaleString('en')} on ${i === 0 ? 'A' : 'B'}), 50 replies at 10/s to A`,
      f.k,
      g.median,
      g.joinFailures,
      f.median.postFailures,
    ),
  );
}

/** N instances behind nginx: target p99 ≤ 1.2× the single instance's at the same K (same run), 0 lost, 0 duplicated. */
export function proxiedFanoutRow(f: ProxiedFanoutResult, single: FanoutResult | undefined): Row {
  const clean = f.median.lost === 0 && f.median.duplicated === 0 && f.joinFailures === 0 && f.median.postFailures === 0;
  const ratio = single ? f.median.p99 / single.median.p99 : Number.NaN;
  return {
    figure: `fan-out (${f.instances} instances behind nginx): ${f.k.toLocaleString('en')} readers (${f.socketsPerInstance.join(' / ')} per instance), 50 replies at 10/s through nginx`,
    measured:
      `p50 ${ms(f.median.p50)}, p99 ${ms(f.median.p99)}${single ? ` (${ratio.toFixed(2)}× one instance)` : ''}, max ${ms(f.median.max)}, lost ${f.median.lost}, duplicated ${f.median.duplicated}` +
      `${f.joinFailures ? `, ${f.joinFailures} could not join` : ''}${f.median.postFailures ? `, ${f.median.postFailures} POSTs failed` : ''}`,
    target: `${single ? 'p99 ≤ 1.2× one instance, ' : ''}0 lost, 0 duplicated`,
    ok: clean && (!single || ratio <= 1.2),
  };
}

/** A read through the proxy, beside the same read on one instance (earlier in the same run). */
export function proxiedReadRow(s: LoadSeries, instances: number, single: LoadSeries | undefined): Row {
  return {
    figure: `read through nginx (${instances} instances): ${s.name} (50 conn.)`,
    measured:
      `${int(s.median.reqPerSec)} req/s${single ? ` (${(s.median.reqPerSec / single.median.reqPerSec).toFixed(2)}× one instance)` : ''}, p50 ${ms(s.median.p50)}, p99 ${ms(s.median.p99)}, non-2xx ${s.median.non2xx}` +
      `${s.median.errors ? `, errors ${s.median.errors}` : ''}`,
    target: '–',
    ok: null,
  };
}

/** Memory per open socket on one instance: from the largest K, RSS once joined minus RSS before. */
export function socketMemoryRow(fs: FanoutResult[]): Row | null {
  const f = [...fs].reverse().find((x) => x.joinNote?.rssJoinedMb != null && x.joinNote.rssBeforeMb != null);
  if (!f?.joinNote) return null;
  const per = ((f.joinNote.rssJoinedMb! - f.joinNote.rssBeforeMb!) / Math.max(1, f.joined)) * 1000;
  return {
    figure: `memory: RSS per 1,000 open sockets (${f.joined.toLocaleString('en')} readers joined)`,
    measured: `${per.toFixed(1)} MB (RSS ${Math.round(f.joinNote.rssBeforeMb!)} → ${Math.round(f.joinNote.rssJoinedMb!)} MB${f.joinNote.heapUsedMb != null ? `, JS heap ${f.joinNote.heapUsedMb} MB` : ''})`,
    target: '–',
    ok: null,
  };
}

/** In place of the two-instance rows when they could not be measured (no Redis, no PostgreSQL). */
export function clusterSkippedRow(why: string): Row {
  return { figure: 'fan-out (2 instances): SKIPPED', measured: `not measured: ${why}`, target: '–', ok: null };
}

export function depthRows(d: DepthResult): Row[] {
  return [
    { figure: 'depth: first page of 100,000 replies', measured: ms(d.firstPage.median), target: '(reference for the next row)', ok: null },
    {
      figure: 'depth: page after reply 99,900',
      measured: `${ms(d.afterPage.median)} (${round(d.ratio, 2)}× the first page)`,
      target: '≤ 1.5× the first page',
      ok: d.ratio <= 1.5,
    },
    {
      figure: `depth: search over ${d.search.stories.toLocaleString('en')} stories`,
      measured: `${ms(d.search.median)} (${d.search.matches ?? '?'} matches, first page of 20)`,
      target: '–',
      ok: null,
    },
  ];
}

export function memoryRows(idle: number | null, after: number | null, peak: number | null, afterGc: number | null): Row[] {
  const mb = (x: number | null): string => (x === null ? 'n/a (no /proc)' : `${Math.round(x)} MB`);
  return [
    { figure: 'memory: RSS idle (seeded, before load)', measured: mb(idle), target: '–', ok: null },
    { figure: 'memory: RSS right after the run', measured: `${mb(after)}${peak !== null ? ` (peak ${mb(peak)})` : ''}`, target: '≤ 250 MB', ok: after === null ? null : after <= 250 },
    { figure: 'memory: RSS after the run and a full GC', measured: mb(afterGc), target: '(what the app really keeps)', ok: null },
  ];
}

/** A Markdown table, so it can be pasted into docs/performance.md as it is. */
export function renderTable(rows: Row[]): string {
  const cells = rows.map((r) => [r.figure, r.measured, r.target, r.ok === null ? '' : r.ok ? 'ok' : 'MISSED']);
  const head = ['figure', 'measured (median of runs)', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]): string => `| ${c.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
