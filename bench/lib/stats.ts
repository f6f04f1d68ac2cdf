/** Nearest-rank percentile of an ascending array (p in 0–100); NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(latencies: number[]): LatencySummary {
  const s = [...latencies].sort((a, b) => a - b);
  const sum = s.reduce((a, b) => a + b, 0);
  return { count: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s.length ? s[s.length - 1] : Number.NaN, mean: s.length ? sum / s.length : Number.NaN };
}

/** The median of each numeric field over several runs (the runs themselves stay in the JSON). */
export function medianOf<T extends Record<string, unknown>>(runs: T[], keys: (keyof T)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[String(k)] = median(runs.map((r) => Number(r[k])));
  return out;
}

export const round = (x: number, digits = 1): number => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
