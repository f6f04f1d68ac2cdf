import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ServeStaticModule } from '@nestjs/serve-static';
import { LoggerModule } from 'nestjs-pino';
import { existsSync } from 'node:fs';
import { AuthModule } from './auth/auth.module.js';
import { AllExceptionsFilter } from './common/exception.filter.js';
import { httpLogging } from './common/logging.js';
import { RateLimitInterceptor, RateLimitModule } from './common/rate-limit.js';
import { BodyParserMiddleware, CrossSiteMiddleware } from './common/http.middleware.js';
import { OverloadMiddleware } from './common/overload.js';
import type { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import type { OpenDatabase } from './database/data-source.js';
import { DatabaseModule } from './database/database.module.js';
import { DraftsModule } from './drafts/drafts.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { ReactionsModule } from './reactions/reactions.module.js';
import { RepliesModule } from './replies/replies.module.js';
import { StoriesModule } from './stories/stories.module.js';
import { UsersModule } from './users/users.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { ModerationModule } from './moderation/moderation.module.js';
import { SafetyModule } from './safety/safety.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';
import { SupportModule } from './support/support.module.js';
import { ArcModule } from './arc/arc.module.js';
import { RedisLink } from './redis/redis-link.js';

@Module({})
export class AppModule implements NestModule {
  static forRoot(config: AppConfig, db: OpenDatabase, redis: RedisLink): DynamicModule {
    const serveClient = existsSync(`${config.clientDir}/index.html`);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, redis),
        LoggerModule.forRoot({ pinoHttp: httpLogging(config) }),
        EventEmitterModule.forRoot(),
        RateLimitModule,
        DatabaseModule.forRoot(db),
        ...(serveClient
          ? // the page itself is revalidated on every visit, so a deploy reaches everyone; its hashed assets are cached for good (app.factory.ts)
            [ServeStaticModule.forRoot({ rootPath: config.clientDir, exclude: ['/api/{*path}', '/socket.io/{*path}'], serveStaticOptions: { index: 'index.html', maxAge: 0 } })]
          : []),
        UsersModule,
        AuthModule,
        HealthModule,
        MetricsModule,
        DraftsModule,
        StoriesModule,
        RepliesModule,
        ReactionsModule,
        NotificationsModule,
        RealtimeModule,
        SafetyModule,
        ModerationModule,
        PrivacyModule,
        SupportModule,
        ArcModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }, { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor }],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(OverloadMiddleware, CrossSiteMiddleware, BodyParserMiddleware).forRoutes('{*path}');
  }
}
