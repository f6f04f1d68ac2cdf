import { DynamicModule, Global, Module } from '@nestjs/common';
import { RedisLink } from '../redis/redis-link.js';
import { APP_CONFIG } from './config.js';
import type { AppConfig } from './config.js';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, redis: RedisLink): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: RedisLink, useValue: redis },
      ],
      exports: [APP_CONFIG, RedisLink],
    };
  }
}
