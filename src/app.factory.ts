import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { noIndex } from './common/http.middleware.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/config.js';
import type { OpenDatabase } from './database/data-source.js';

/** Builds the configured Nest app (not listening); main.ts, the tests and the benchmark all start it this way. */
export async function createApp(config: AppConfig, db: OpenDatabase): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, db), {
    bodyParser: false, // parsed per route family in BodyParserMiddleware, with its own limits
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('etag', false);
  app.use(noIndex);
  app.use(cookieParser());
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());

  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('Setback API').setDescription('Stories of failure, told and answered kindly.').setVersion('1').addCookieAuth('setback_session').build(),
  );
  SwaggerModule.setup('api/docs', app, doc);
  return app;
}
