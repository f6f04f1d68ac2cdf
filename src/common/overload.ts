import { Injectable, NestMiddleware, OnModuleDestroy, Inject } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { monitorEventLoopDelay, IntervalHistogram } from 'node:perf_hooks';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.js';

const WINDOW_MS = 1_000;

/**
 * Sheds new reads with a fast 503 when the event loop lags, instead of queueing them until everything is slow.
 * The lag is the mean over the last two one-second windows, so a single slow tick on a noisy machine does not trip
 * it. Health checks and writes are never shed.
 */
@Injectable()
export class OverloadMiddleware implements NestMiddleware, OnModuleDestroy {
  private readonly histogram: IntervalHistogram | null;
  private readonly timer: NodeJS.Timeout | null;
  private windows: number[] = [0, 0];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    if (config.overloadLagMs <= 0) {
      this.histogram = null;
      this.timer = null;
      return;
    }
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.timer = setInterval(() => {
      const h = this.histogram as IntervalHistogram;
      // the histogram counts the timer resolution itself; what is beyond it is lag
      this.windows = [this.windows[1], Math.max(0, h.mean / 1e6 - 10)];
      h.reset();
    }, WINDOW_MS);
    this.timer.unref();
  }

  get lagMs(): number {
    return (this.windows[0] + this.windows[1]) / 2;
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (this.histogram && req.method === 'GET' && !req.originalUrl.startsWith('/api/health') && this.lagMs > this.config.overloadLagMs) {
      res.setHeader('Retry-After', '2');
      res.status(503).json({ statusCode: 503, code: 'UNAVAILABLE', message: 'Setback is very busy right now. Please try again in a moment.', retryAfter: 2 });
      return;
    }
    next();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.histogram?.disable();
  }
}
