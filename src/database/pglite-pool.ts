import { EventEmitter } from 'node:events';
import type { PGlite, Results } from '@electric-sql/pglite';

/**
 * A `pg`-shaped driver over one embedded PGlite database, for TypeORM's postgres driver.
 * PGlite has a single session, so a checked-out client is exclusive until released: exactly a pool of size one.
 * That keeps one request's transaction from ever seeing or committing another's work (typeorm-pglite shares the
 * session between concurrent queries, which is why it is not used).
 */
export function createPGliteDriver(db: PGlite): { Pool: unknown; defaults: Record<string, unknown> } {
  let tail: Promise<void> = Promise.resolve();
  let closed = false;

  const acquire = (): Promise<() => void> => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const ready = tail.then(() => {
      let done = false;
      return () => {
        if (done) return;
        done = true;
        release();
      };
    });
    tail = tail.then(() => held);
    return ready;
  };

  const toPgResult = (sql: string, r: Results | undefined): { rows: unknown[]; rowCount: number; command: string; fields: unknown[] } => {
    const command = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '';
    const rows = r?.rows ?? [];
    return { rows, rowCount: r?.affectedRows ?? rows.length, command, fields: r?.fields ?? [] };
  };

  class Client extends EventEmitter {
    async query(sql: string, params?: unknown[]): Promise<ReturnType<typeof toPgResult>> {
      if (closed) throw new Error('Driver not Connected: the embedded database is closed');
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

    async query(sql: string, params?: unknown[]): Promise<ReturnType<typeof toPgResult>> {
      const release = await acquire();
      try {
        return await this.client.query(sql, params);
      } finally {
        release();
      }
    }

    end(cb?: (err: Error | null) => void): void {
      const release = acquire();
      release
        .then(async (r) => {
          closed = true;
          if (!db.closed) await db.close();
          r();
        })
        .then(() => cb?.(null), (err: Error) => cb?.(err));
    }
  }

  return { Pool, defaults: {} };
}
