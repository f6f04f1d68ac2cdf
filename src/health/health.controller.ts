import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../common/decorators.js';
import { RedisLink } from '../redis/redis-link.js';

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

@ApiTags('ops')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: RedisLink,
  ) {}

  @Get()
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), 2000);
    } catch {
      res.status(503);
      return { status: 'unavailable', database: 'unreachable' };
    }
    if (this.redis.configured && !this.redis.ready) return { status: 'degraded', database: 'ok', redis: 'unreachable' };
    return { status: 'ok', database: 'ok', ...(this.redis.configured ? { redis: 'ok' } : {}) };
  }
}
