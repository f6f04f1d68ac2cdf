import type { HttpClient } from './http.js';

/** Samples of the app's own /api/metrics: event-loop lag, pool use and sockets, as seen from inside. */
export interface InsideView {
  samples: number;
  /** Highest per-second p99 of the event-loop delay (prom-client resets its histogram at every scrape). */
  lagP99MaxMs: number | null;
  lagMaxMs: number | null;
  poolTotalMax: number | null;
  poolWaitingMax: number | null;
  socketsMax: number | null;
}

export function parsePrometheus(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

export class MetricsProbe {
  constructor(
    private readonly http: HttpClient,
    private readonly token: string,
  ) {}

  async scrape(): Promise<Map<string, number>> {
    const r = await this.http.request('GET', '/api/metrics', { headers: { authorization: `Bearer ${this.token}`, accept: 'text/plain' } });
    if (r.status !== 200) throw new Error(`/api/metrics answered ${r.status}: ${r.text.slice(0, 200)}`);
    return parsePrometheus(r.text);
  }

  /** Scrapes once a second until stopped (the first scrape also clears the lag histogram of what came before). */
  watch(): { stop(): Promise<InsideView> } {
    const view: InsideView = { samples: 0, lagP99MaxMs: null, lagMaxMs: null, poolTotalMax: null, poolWaitingMax: null, socketsMax: null };
    const max = (a: number | null, b: number | undefined, scale = 1): number | null => (b === undefined || !Number.isFinite(b) ? a : Math.max(a ?? 0, Math.round(b * scale * 10) / 10));
    let first = true;
    let busy: Promise<void> = Promise.resolve();
    const sample = (): void => {
      busy = busy.then(async () => {
        try {
          const m = await this.scrape();
          if (first) {
            first = false; // what the lag histogram held was from before this window
          } else {
            view.samples++;
            view.lagP99MaxMs = max(view.lagP99MaxMs, m.get('nodejs_eventloop_lag_p99_seconds'), 1000);
            view.lagMaxMs = max(view.lagMaxMs, m.get('nodejs_eventloop_lag_max_seconds'), 1000);
          }
          view.poolTotalMax = max(view.poolTotalMax, m.get('setback_db_pool_connections{state="total"}'));
          view.poolWaitingMax = max(view.poolWaitingMax, m.get('setback_db_pool_connections{state="waiting"}'));
          view.socketsMax = max(view.socketsMax, m.get('setback_socket_connections'));
        } catch {
          /* a scrape that fails under load is just a missing sample */
        }
      });
    };
    sample();
    const timer = setInterval(sample, 1000);
    return {
      stop: async () => {
        clearInterval(timer);
        sample();
        await busy;
        return view;
      },
    };
  }
}
