import { Logger } from '@nestjs/common';
import { createClient } from 'redis';

function createRedisClient(url: string, role: 'publish' | 'subscribe') {
  const client = createClient({
    url,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(200 + retries * 200, 3000) },
    // publishing fails at once while disconnected instead of queueing; subscriptions must wait for the connection
    disableOfflineQueue: role === 'publish',
  });
  if (role === 'publish') {
    // the adapter publishes without awaiting: while Redis is away that must fail quietly (RedisLink logs the outage once)
    const publish = client.publish.bind(client);
    Object.assign(client, { publish: (...args: Parameters<typeof publish>) => publish(...args).catch(() => 0) });
  }
  return client;
}

export type RedisClient = ReturnType<typeof createRedisClient>;

/**
 * The Redis connections of the socket.io adapter (rate limits and typing counts use them too), so health checks
 * can report them. An outage is told once: a warning when the link is lost, a line when it is back. The clients
 * retry every few hundred ms meanwhile, and each attempt's error would otherwise be a log line of its own.
 */
export class RedisLink {
  pub: RedisClient | null = null;
  sub: RedisClient | null = null;
  private readonly log = new Logger('Redis');
  private lost = false;
  private closing = false;

  get configured(): boolean {
    return this.pub !== null;
  }

  get ready(): boolean {
    return !!this.pub?.isReady && !!this.sub?.isReady;
  }

  /**
   * Resolves once both clients are connected, or after `timeoutMs` (then the instance starts degraded and the
   * clients keep trying): an instance that took traffic before its publisher was connected dropped its pushes.
   */
  async whenReady(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.configured && !this.ready && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    return this.ready;
  }

  /** Opens both clients; they keep reconnecting in the background until close(). */
  connect(url: string): void {
    this.pub = this.client(url, 'publish');
    this.sub = this.client(url, 'subscribe');
  }

  private client(url: string, role: 'publish' | 'subscribe'): RedisClient {
    const client = createRedisClient(url, role);
    client.on('error', (e: Error) => this.failed(e));
    client.on('ready', () => this.back());
    // the first attempt's failure is told through 'error' above; the client keeps retrying by itself
    client.connect().catch(() => undefined);
    return client;
  }

  private failed(e: Error): void {
    if (this.lost || this.closing) return;
    this.lost = true;
    this.log.warn(`Redis unavailable (${e.message || e.name}): serving this instance's sockets only and counting rate limits in memory until it returns`);
  }

  private back(): void {
    if (!this.lost || !this.ready) return;
    this.lost = false;
    this.log.log('Redis is back: sockets fan out across instances and rate limits are shared again');
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const c of [this.pub, this.sub]) {
      // quit() waits for a reply that an unreachable Redis never sends: only a ready client may say goodbye
      if (c?.isReady) await c.quit().catch(() => c.destroy());
      else if (c?.isOpen) c.destroy();
    }
  }
}
