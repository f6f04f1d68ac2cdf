import { createRequire } from 'node:module';

/** The parts of autocannon's API and result the bench reads (autocannon ships no types). */
interface Histogram {
  average: number;
  mean: number;
  total: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}
export interface AutocannonResult {
  requests: Histogram;
  latency: Histogram;
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  statusCodeStats?: Record<string, { count: number }>;
}
interface AutocannonClient {
  setHeaders(h: Record<string, string>): void;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadRun {
  reqPerSec: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

/**
 * `connections` keep-alive connections hammering one GET for `seconds`; each connection carries the session
 * cookie of a different member (round robin), as many readers would.
 */
export async function hammer(url: string, opts: { connections: number; seconds: number; cookies?: string[] }): Promise<LoadRun> {
  let next = 0;
  const cookies = opts.cookies ?? [];
  const r = await autocannon({
    url,
    connections: opts.connections,
    duration: opts.seconds,
    timeout: 10,
    headers: { accept: 'application/json' },
    setupClient: (client: AutocannonClient) => {
      if (cookies.length) client.setHeaders({ accept: 'application/json', cookie: cookies[next++ % cookies.length] });
    },
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, v] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = Number(v.count);
  return {
    reqPerSec: r.requests.total / r.duration,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
  };
}
