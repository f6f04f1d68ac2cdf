import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from './config/config.js';
import { pendingWork, settled, startDraining } from './common/draining.js';
import { collectGarbage, openDatabase } from './database/data-source.js';
import { EmbeddedDatabaseBusyError } from './database/embedded-lock.js';

// a lost Redis or database connection must be logged, never take the whole forum down
process.on('unhandledRejection', (reason) => console.error('Unhandled rejection (the server keeps running):', reason));

async function main(): Promise<void> {
  const config = loadConfig();
  const started = Date.now();
  const db = await openDatabase(config);
  // the app's modules load after the database is open: a new embedded folder is created by a child process
  // (data-source.ts), and this process stays small (about 70 MB instead of 150) while that child runs initdb
  const { createApp } = await import('./app.factory.js');
  const { RedisLink } = await import('./redis/redis-link.js');
  const app = await createApp(config, db);
  // behind a load balancer, take traffic only once live pushes can reach the other instances (or Redis is plainly away)
  await app.init(); // creates the socket.io server, which opens the Redis connections
  if (config.redisUrl) await app.get(RedisLink).whenReady(5_000);
  await app.listen(config.port, config.host);
  // through the app's logger, so that with LOG_FORMAT=json every line of stdout is JSON
  const logger = new Logger('Setback');
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `the embedded database in ${config.dataDir}`;
  logger.log(`Setback is listening on http://localhost:${config.port} using ${where} (ready in ${Date.now() - started} ms)`);
  if (db.fresh && db.embedded && config.seedNewEmbedded) {
    // a newcomer's first start shows a living forum; never on a real PostgreSQL (DATABASE_URL)
    const { seedDemo } = await import('./cli/seed.js');
    await seedDemo(db.dataSource).catch((e: unknown) => console.error('The demo content could not be added:', e));
  }
  // the start's garbage (migrations, the seed's password hashes, PGlite's start-up buffers) goes now, not whenever
  // the small heap of an idle forum next fills: the embedded default stays lean from its first minute (docs/performance.md)
  if (db.embedded) collectGarbage();
  const shutdown = async (signal: string): Promise<void> => {
    logger.log(`${signal} received: finishing requests in flight, then stopping.`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    startDraining();
    // a keep-alive connection busy when the listener closed stays open afterwards; closing each one as soon as it
    // falls idle lets the exit follow the last answer instead of the clients' idle timeout
    const server = app.getHttpServer() as import('node:http').Server;
    server.close(); // no new connections: the load balancer sends them to another instance
    setInterval(() => server.closeIdleConnections(), 100).unref();
    // answers in flight, and the live pushes they started, finish while Redis and the sockets are still open
    if (!(await settled(6_000))) logger.warn(`Stopping with requests still in flight after 6 s: ${JSON.stringify(pendingWork())}`);
    server.closeIdleConnections(); // a keep-alive connection of the proxy that fell idle meanwhile takes nothing more
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError || e instanceof EmbeddedDatabaseBusyError) {
    console.error(`Setback could not start.\n${e.message}`);
  } else {
    console.error('Setback could not start:', e);
  }
  process.exit(1);
});
