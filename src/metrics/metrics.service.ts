import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { OpenDatabase } from '../database/data-source.js';
import { fanoutSeconds } from './fanout.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * One Prometheus registry per app (never prom-client's global one: the tests start several apps in one process).
 * Holds the request histogram, the socket and pool gauges, the default Node metrics (event-loop lag, heap, GC…)
 * and the shared fan-out histogram.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  // told by the realtime module (which depends on metrics, never the reverse); 0 in an app without sockets
  private socketCount: () => number = () => 0;

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(@Inject('OPEN_DATABASE') db: OpenDatabase) {
    collectDefaultMetrics({ register: this.registry });
    this.registry.registerMetric(fanoutSeconds);

    const sockets = (): number => this.socketCount();
    new Gauge({
      name: 'setback_socket_connections',
      help: 'Open socket.io connections on this instance',
      registers: [this.registry],
      collect() {
        this.set(sockets());
      },
    });

    new Gauge({
      name: 'setback_db_pool_connections',
      help: 'PostgreSQL pool connections by state (total, idle, waiting = queries waiting for a connection)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const p = db.poolCounts();
        if (!p) return; // the embedded database has no pool to report
        this.set({ state: 'total' }, p.total);
        this.set({ state: 'idle' }, p.idle);
        this.set({ state: 'waiting' }, p.waiting);
      },
    });
  }

  /** How the open sockets are counted: set by the realtime module at start. */
  countSocketsWith(count: () => number): void {
    this.socketCount = count;
  }

  observeRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.httpDuration.observe({ method: METHODS.has(method) ? method : 'OTHER', route, status_code: String(statusCode) }, seconds);
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
