import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { RealtimeService } from '../realtime/realtime.service.js';
import { fanoutSeconds } from './fanout.js';

/** The parts of node-postgres' Pool we read; the embedded driver has none of them. */
interface PoolCounts {
  totalCount?: unknown;
  idleCount?: unknown;
  waitingCount?: unknown;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * One Prometheus registry per app (never prom-client's global one: the tests start several apps in one process).
 * Holds the request histogram, the socket and pool gauges, the default Node metrics (event-loop lag, heap, GC…)
 * and the shared fan-out histogram.
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  readonly registry = new Registry();
  private readonly logger = new Logger('Metrics');
  private realtime: RealtimeService | null | undefined; // undefined: not looked up yet; null: not in this app

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly dataSource: DataSource,
  ) {
    collectDefaultMetrics({ register: this.registry });
    this.registry.registerMetric(fanoutSeconds);

    const sockets = (): number => this.io()?.of('/').sockets.size ?? 0;
    new Gauge({
      name: 'setback_socket_connections',
      help: 'Open socket.io connections on this instance',
      registers: [this.registry],
      collect() {
        this.set(sockets());
      },
    });

    const pool = (): PoolCounts | null => {
      const master = (this.dataSource.driver as unknown as { master?: PoolCounts }).master;
      return master && typeof master.totalCount === 'number' ? master : null;
    };
    new Gauge({
      name: 'setback_db_pool_connections',
      help: 'PostgreSQL pool connections by state (total, idle, waiting = queries waiting for a connection)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const p = pool();
        if (!p) return; // the embedded database has no pool to report
        this.set({ state: 'total' }, Number(p.totalCount));
        this.set({ state: 'idle' }, Number(p.idleCount));
        this.set({ state: 'waiting' }, Number(p.waitingCount));
      },
    });
  }

  onModuleInit(): void {
    this.io(); // resolve early, so a missing realtime module is logged at start rather than on the first scrape
  }

  /** The socket.io server, found without importing RealtimeModule (which would make a module cycle). */
  private io() {
    if (this.realtime === undefined) {
      try {
        this.realtime = this.moduleRef.get(RealtimeService, { strict: false });
      } catch {
        this.logger.warn('The realtime service is not part of this app: setback_socket_connections stays 0.');
        this.realtime = null;
      }
    }
    return this.realtime?.io ?? null;
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
