import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import expressStaticGzip from 'express-static-gzip';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import type { Response } from 'express';
import { closeConnectionsWhenDraining } from './common/draining.js';
import { notFound } from './common/errors.js';
import { toErrorBody } from './common/exception.filter.js';
import { noIndex, noStore } from './common/http.middleware.js';
import { createValidationPipe } from './common/validation.js';
import { sessionCookieName } from './auth/auth.service.js';
import { SetbackIoAdapter } from './realtime/redis-io.adapter.js';
import { RedisLink } from './redis/redis-link.js';
import { RealtimeService } from './realtime/realtime.service.js';
import type { AppConfig } from './config/config.js';
import type { OpenDatabase } from './database/data-source.js';

/** Strict headers everywhere; the OpenAPI page alone needs inline styles for its UI. */
function securityHeaders(config: AppConfig) {
  const wsOrigin = config.publicOrigin ? config.publicOrigin.replace(/^http/, 'ws') : null;
  const directives = {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'", ...(wsOrigin ? [wsOrigin] : [])],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    frameAncestors: ["'none'"],
    formAction: ["'self'"],
  };
  const common = {
    hsts: config.secureCookies ? { maxAge: 15_552_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' as const },
    crossOriginEmbedderPolicy: false,
  };
  const strict = helmet({ ...common, contentSecurityPolicy: { useDefaults: false, directives } });
  const docs = helmet({ ...common, contentSecurityPolicy: { useDefaults: false, directives: { ...directives, styleSrc: ["'self'", "'unsafe-inline'"] } } });
  return (req: { path: string }, res: unknown, next: () => void) => (req.path.startsWith('/api/docs') ? docs : strict)(req as never, res as never, next);
}

/** Builds the configured Nest app (not listening); main.ts, the tests and the benchmark all start it this way. */
export async function createApp(config: AppConfig, db: OpenDatabase): Promise<NestExpressApplication> {
  const redis = new RedisLink();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, db, redis), {
    bodyParser: false, // parsed per route family in BodyParserMiddleware, with its own limits
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // one hop: the proxy appends the address it saw to X-Forwarded-For, and anything left of it the client may have written
  app.set('trust proxy', config.trustProxy ? 1 : false);
  app.set('etag', false);
  app.use(closeConnectionsWhenDraining);
  app.use(noIndex);
  app.use('/api', noStore); // static assets are served outside /api, with their own long cache
  app.use(securityHeaders(config));
  app.use(cookieParser());
  const assets = join(config.clientDir, 'assets');
  if (existsSync(assets)) {
    // the client's assets carry a content hash in their names: cached for good, sent precompressed (scripts/build.mjs)
    app.use('/assets', expressStaticGzip(assets, { enableBrotli: true, orderPreference: ['br', 'gz'], index: false, serveStatic: { immutable: true, maxAge: '365d' } }));
    // an asset that is not there (an old page after a deploy) is a 404, not the page in its place
    app.use('/assets', (_req: unknown, res: Response) => res.status(404).json(toErrorBody(notFound('That file'))));
  }
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());
  const realtime = app.get(RealtimeService);
  app.useWebSocketAdapter(new SetbackIoAdapter(app, config, redis, (req) => realtime.signedIn(req)));

  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('Setback API').setDescription('Stories of failure, told and answered kindly.').setVersion('1').addCookieAuth(sessionCookieName(config)).build(),
  );
  SwaggerModule.setup('api/docs', app, doc);
  return app;
}
