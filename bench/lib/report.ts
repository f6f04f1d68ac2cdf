import type { DepthResult } from '../scenarios/depth.js';
import type { ClusterFanoutResult, DeliveriesMedian, FanoutResult } from '../scenarios/fanout.js';
import type { LoadSeries } from '../scenarios/load.js';
import type { WriteSeries } from '../scenarios/write.js';
import { round } from './stats.js';

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
export const FANOUT_P99_TARGET: Record<number, number> = { 100: 50, 500: 100, 1000: 200 };

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
