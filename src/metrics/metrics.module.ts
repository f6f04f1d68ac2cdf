import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';
import { RequestTimingMiddleware } from './request-timing.middleware.js';

/**
 * GET /api/metrics (Prometheus) and the request timing behind it.
 * Global only so that Nest mounts its middleware before those of the other modules (global modules' middleware
 * come first): the timer then covers body parsing and the cross-site check too. It exports MetricsService, through
 * which higher modules (realtime) tell it what to count.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestTimingMiddleware).forRoutes('{*path}');
  }
}
