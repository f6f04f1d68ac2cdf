import { Injectable, OnModuleInit } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service.js';
import { RealtimeService } from './realtime.service.js';

/** Tells the metrics module how many sockets this instance holds (metrics know nothing of realtime). */
@Injectable()
export class RealtimeMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly realtime: RealtimeService,
  ) {}

  onModuleInit(): void {
    this.metrics.countSocketsWith(() => this.realtime.io?.of('/').sockets.size ?? 0);
  }
}
