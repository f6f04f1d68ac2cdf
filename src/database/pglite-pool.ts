import { EventEmitter } from 'node:events';
import type { PGlite, Results } from '@electric-sql/pglite';

/**
 * A `pg`-shaped driver over one embedded PGlite database, for TypeORM's postgres driver.
 * PGlite has a single session, so a checked-out client is exclusive until released: exactly a pool of size one.
 * That keeps one request's transaction from ever seeing or committing another's work (typeorm-pglite shares the
 * session between concurrent queries, which is why it is not used).
 */
export function createPGliteDriver(db: PGlite, acquireTimeoutMs = 15_000): { Pool: unknown; defaults: Record<string, unknown> } {
  let busy = false;
  let closed = false;
  const waiters: { grant: (release: () => void) => void; timer: NodeJS.Timeout }[] = [];

  const makeRelease = (): (() => void) => {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = waiters.shift();
      if (next) {
        clearTimeout(next.timer);
        next.grant(makeRelease());
      } else busy = false;
    };
  };

  // a waiter that never gets the session (say, a query issued outside the transaction that holds it) fails
  // after a while instead of hanging forever; its error then rolls the holder back and frees the session
  const acquire = (): Promise<() => void> =>
    new Promise((resolve, reject) => {
      if (!busy) {
        busy = true;
        resolve(makeRelease());
        return;
      }
      const waiter = {
        grant: resolve,
        timer: setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) waiters.splice(i, 1);
          reject(new Error(`timeout exceeded when trying to connect: the embedded database stayed busy for ${Math.round(acquireTimeoutMs / 1000)} s`));
        }, acquireTimeoutMs),
      };
      waiter.timer.unref();
      waiters.push(waiter);
    });

  const toPgResult = (sql: string, r: Results | undefined): { rows: unknown[]; rowCount: number; command: string; fields: unknown[] } => {
    const command = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '';
    const rows = r?.rows ?? [];
    return { rows, rowCount: r?.affectedRows ?? rows.length, command, fields: r?.fields ?? [] };
  };

  class Client extends EventEmitter {
    async query(statement: string | { text: string }, params?: unknown[]): Promise<ReturnType<typeof toPgResult>> {
      if (closed) throw new Error('Driver not Connected: the embedded database is closed');
      // a named statement (src/database/prepared.ts) arrives as pg's config object; the name buys nothing here
      const sql = typeof statement === 'string' ? statement : statement.text;
      if (params && params.length) return toPgResult(sql, await db.query(sql, params));
      // the simple protocol allows several statements at once (migrations); TypeORM wants the last result
      const results = await db.exec(sql);
      return toPgResult(sql, results[results.length - 1]);
    }
  }

  class Pool extends EventEmitter {
    private readonly client = new Client();

    connect(cb?: (err: Error | null, client: Client | null, release: () => void) => void): Promise<Client> | void {
      const p = acquire().then((release) => ({ release }));
      if (!cb) return p.then(() => this.client);
      p.then(
        ({ release }) => cb(null, this.client, release),
        (err: Error) => cb(err, null, () => undefined),
      );
    }

    async query(sql: string | { text: string }, params?: unknown[]): Promise<ReturnType<typeof toPgResult>> {
      const release = await acquire();
      try {
        return await this.client.query(sql, params);
      } finally {
        release();
      }
    }

    end(cb?: (err: Error | null) => void): void {
      acquire()
        .then(async (release) => {
          closed = true;
          if (!db.closed) await db.close();
          release();
        })
        .then(() => cb?.(null), (err: Error) => cb?.(err));
    }
  }

  return { Pool, defaults: {} };
}
