import { Histogram } from 'prom-client';

/**
 * Time from a reply's commit (or its POST) to its push to the readers of the thread, in seconds.
 * Module-level so any code can record it (`observeFanout(seconds)`) without injecting anything; every app's
 * metrics registry adds this one histogram (MetricsService), so several apps in one process (tests) share it.
 */
export const fanoutSeconds = new Histogram({
  name: 'setback_fanout_seconds',
  help: 'Time from a reply being committed to its reply.created push to the thread room, in seconds',
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
  registers: [], // never the global registry: each app registers it in its own
});

export function observeFanout(seconds: number): void {
  if (Number.isFinite(seconds) && seconds >= 0) fanoutSeconds.observe(seconds);
}

