import { Logger } from '@nestjs/common';
import pg from 'pg';
import type { Client } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * "This member's access changed" from outside the app (the `user:role` command), told through PostgreSQL to
 * every app instance, which then ends that member's sockets (they connect again under the new rights).
 *
 * Why PostgreSQL and not Redis: every instance of a PostgreSQL deployment is connected to it, with or without
 * Redis, so one NOTIFY reaches a lone instance and a cluster alike; and a NOTIFY is delivered when its
 * transaction commits, never before and never without it, so a reconnecting socket can only ever read the new
 * role. The embedded database needs nothing: a command cannot open it while the server runs.
 * The limit: a notification sent while an instance's listening connection is down (a network cut between that
 * instance and PostgreSQL) is not delivered to it later; the instance logs the outage.
 */
export const ACCESS_CHANGED_CHANNEL = 'setback_access_changed';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Sends the signal within the caller's transaction (it goes out at commit). */
export async function notifyAccessChanged(db: EntityManager | DataSource, userId: string): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [ACCESS_CHANGED_CHANNEL, userId]);
}

/**
 * One dedicated connection that LISTENs for the signal (LISTEN needs a session of its own, not a pooled one).
 * It reconnects by itself, backing off up to 10 s, and tells an outage once.
 */
export class AccessChangeListener {
  private readonly log = new Logger('AccessSignal');
  private client: Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private delay = 250;
  private lost = false;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly onChange: (userId: string) => void,
  ) {}

  /** Resolves once listening (or once the first attempt failed; it keeps retrying in the background). */
  start(): Promise<void> {
    return this.connect();
  }

  private async connect(): Promise<void> {
    this.timer = null;
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 2000, keepAlive: true });
    this.client = client;
    client.on('notification', (m) => {
      if (m.channel === ACCESS_CHANGED_CHANNEL && m.payload && UUID.test(m.payload)) this.onChange(m.payload);
    });
    client.on('error', (e) => this.retry(client, e));
    client.on('end', () => this.retry(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${ACCESS_CHANGED_CHANNEL}`);
      this.delay = 250;
      if (this.lost) this.log.log('Listening for access changes again');
      this.lost = false;
    } catch (e) {
      this.retry(client, e as Error);
    }
  }

  private retry(client: Client, e: Error): void {
    if (this.closed || client !== this.client || this.timer) return;
    this.client = null;
    client.end().catch(() => undefined);
    if (!this.lost) this.log.warn(`Not listening for access changes (${e.message || e.name}): a role changed from the command line meanwhile will not end open sockets here`);
    this.lost = true;
    this.timer = setTimeout(() => void this.connect(), this.delay);
    this.timer.unref();
    this.delay = Math.min(this.delay * 2, 10_000);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    if (!client) return;
    // a goodbye to a database behind a dropped network is never answered: shutting down does not wait for it
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([client.end().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
    clearTimeout(timer);
  }
}
