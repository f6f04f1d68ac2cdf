import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { ServerOptions, Server } from 'socket.io';
import type { AppConfig } from '../config/config.js';
import { isSameOrigin } from '../common/http.middleware.js';

function connectRedis(url: string, role: string, logger: Logger) {
  const client = createClient({
    url,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(200 + retries * 200, 3000) },
    // publishing fails at once while disconnected instead of queueing; subscriptions must wait for the connection
    disableOfflineQueue: role === 'publish',
  });
  let down = false;
  client.on('error', (e: Error) => {
    if (!down) logger.warn(`Redis (${role}) unavailable: ${e.message}. Serving this instance's sockets only until it returns.`);
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.log(`Redis (${role}) is back.`);
    down = false;
  });
  client.connect().catch(() => undefined); // keeps retrying in the background
  if (role === 'publish') {
    // the adapter publishes without awaiting: while Redis is away that must fail quietly, not as an unhandled rejection
    const publish = client.publish.bind(client);
    Object.assign(client, { publish: (...args: Parameters<typeof publish>) => publish(...args).catch(() => 0) });
  }
  return client;
}

type RedisClient = ReturnType<typeof connectRedis>;

/** Holds the Redis connections of the socket.io adapter, so health checks can report them. */
export class RedisLink {
  pub: RedisClient | null = null;
  sub: RedisClient | null = null;

  get configured(): boolean {
    return this.pub !== null;
  }

  get ready(): boolean {
    return !!this.pub?.isReady && !!this.sub?.isReady;
  }

  async close(): Promise<void> {
    for (const c of [this.pub, this.sub]) {
      // quit() waits for a reply that an unreachable Redis never sends: only a ready client may say goodbye
      if (c?.isReady) await c.quit().catch(() => c.destroy());
      else if (c?.isOpen) c.destroy();
    }
  }
}

/**
 * socket.io with the site's own Origin check at the handshake and, when REDIS_URL is set, the Redis adapter
 * so that rooms span every instance. Redis being down never stops the instance: it serves its own sockets,
 * reports "degraded", and the clients reconnect in the background.
 */
export class SetbackIoAdapter extends IoAdapter {
  private readonly log = new Logger('Realtime');

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly redis: RedisLink,
  ) {
    super(app);
  }

  createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, {
      ...options,
      path: '/socket.io',
      serveClient: false,
      cors: undefined,
      maxHttpBufferSize: 2 * 1024 * 1024, // an oversized payload gets a clear error ack rather than a dropped connection
      pingInterval: 20_000,
      pingTimeout: 15_000,
      // browsers always send Origin: a foreign one is a cross-site page riding on the cookie
      allowRequest: (req, cb) => {
        const origin = req.headers.origin;
        if (origin === undefined || isSameOrigin(origin, req, this.config)) cb(null, true);
        else cb('CROSS_SITE', false);
      },
    } as ServerOptions);
    if (this.config.redisUrl) this.attachRedis(server, this.config.redisUrl);
    return server;
  }

  private attachRedis(server: Server, url: string): void {
    this.redis.pub = connectRedis(url, 'publish', this.log);
    this.redis.sub = connectRedis(url, 'subscribe', this.log);
    server.adapter(createAdapter(this.redis.pub, this.redis.sub, { key: `${this.config.redisPrefix}socket.io`, requestsTimeout: 2000 }));
  }
}
