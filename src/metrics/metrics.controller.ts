import { Controller, Get, Headers, Inject, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Public } from '../common/decorators.js';
import { DomainError } from '../common/errors.js';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.js';
import { isDirectLoopback } from './direct-loopback.js';
import { MetricsService } from './metrics.service.js';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Prometheus scrape endpoint. Public to sessions; guarded by `Authorization: Bearer <METRICS_TOKEN>` when that is set,
 * and answering only direct requests from this machine (never relayed by a proxy) when it is not.
 */
@ApiTags('ops')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Req() req: Request, @Res() res: Response): Promise<void> {
    const token = this.config.metricsToken;
    if (token) {
      const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? '';
      // compare digests in constant time, so the token cannot be guessed byte by byte from response times
      if (!timingSafeEqual(digest(given), digest(token))) {
        throw new DomainError('UNAUTHENTICATED', 'The metrics need the bearer token (METRICS_TOKEN).');
      }
    } else if (!isDirectLoopback(req.socket.remoteAddress, req.headers)) {
      throw new DomainError('FORBIDDEN', 'Without METRICS_TOKEN the metrics answer only direct requests from this machine.');
    }
    const body = await this.metrics.metrics();
    res.setHeader('Cache-Control', 'no-store');
    res.type(this.metrics.contentType).send(body);
  }
}
