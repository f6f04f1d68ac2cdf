import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { RedisLink } from '../redis/redis-link.js';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { IncomingMessage } from 'node:http';
import type { ServerOptions, Server } from 'socket.io';
import type { AppConfig } from '../config/config.js';
import { isSameOrigin } from '../common/http.middleware.js';


/** Socket payloads are a story id and two small fields; 64 KB leaves room without letting a visitor park megabytes. */
export const SOCKET_PACKET_MAX_BYTES = 64 * 1024;

/**
 * socket.io with the site's own Origin check at the handshake and, when REDIS_URL is set, the Redis adapter
 * so that rooms span every instance. Redis being down never stops the instance: it serves its own sockets,
 * reports "degraded", and the clients reconnect in the background.
 */
export class SetbackIoAdapter extends IoAdapter {
  private readonly log = new Logger('Realtime');

  /**
   * `signedIn`: whether a handshake request carries a valid session (RealtimeService.signedIn, given by
   * app.factory: this low module must not import auth, which itself depends on the Redis link).
   */
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly redis: RedisLink,
    private readonly signedIn: (req: IncomingMessage) => Promise<boolean>,
  ) {
    super(app);
  }

  createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, {
      ...options,
      path: '/socket.io',
      serveClient: false,
      cors: undefined,
      // every client event is a story id and two small fields: a packet beyond this closes that socket
      maxHttpBufferSize: SOCKET_PACKET_MAX_BYTES,
      pingInterval: 20_000,
      pingTimeout: 15_000,
      // runs once per engine.io handshake (polling or websocket), before any session id or buffer exists
      allowRequest: (req, cb) => {
        // browsers always send Origin: a foreign one is a cross-site page riding on the cookie
        const origin = req.headers.origin;
        if (origin !== undefined && !isSameOrigin(origin, req, this.config)) return cb('CROSS_SITE', false);
        // a visitor gets no socket at all (a 403), rather than an open one waiting for a connect packet
        this.signedIn(req).then(
          (ok) => cb(ok ? null : 'UNAUTHENTICATED', ok),
          (e: unknown) => {
            this.log.warn(`A socket handshake could not check its session: ${String(e)}`);
            cb('UNAVAILABLE', false);
          },
        );
      },
    } as ServerOptions);
    if (this.config.redisUrl) this.attachRedis(server, this.config.redisUrl);
    return server;
  }

  private attachRedis(server: Server, url: string): void {
    this.redis.connect(url);
    if (!this.redis.pub || !this.redis.sub) return;
    server.adapter(createAdapter(this.redis.pub, this.redis.sub, { key: `${this.config.redisPrefix}socket.io`, requestsTimeout: 2000 }));
  }
}
