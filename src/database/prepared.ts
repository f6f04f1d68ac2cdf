import type { DataSource, EntityManager } from 'typeorm';

/**
 * A hot SQL statement run as a named prepared statement: PostgreSQL parses and plans it once per connection
 * instead of on every call (node-postgres sends plain parameterised queries unnamed, so each is planned again;
 * for the replies page that planning cost about three times the execution). Use it for statements that run on
 * most requests, with a fixed text and an explicit column list (a `*` would break the cached plan when a
 * migration adds a column to a running server's table).
 */
export interface Prepared {
  readonly name: string;
  readonly text: string;
}

const registry = new Map<string, Prepared>();

export function prepared(name: string, text: string): Prepared {
  const known = registry.get(name);
  // one connection holds one text per name; a second text under the same name would fail at run time
  if (known && known.text !== text) throw new Error(`Prepared statement "${name}" is declared twice with different text`);
  const statement = known ?? Object.freeze({ name: `sb_${name}`, text });
  registry.set(name, statement);
  return statement;
}

/** Every prepared statement declared so far (the EXPLAIN test checks each one for sequential scans). */
export function preparedStatements(): Prepared[] {
  return [...registry.values()];
}

/**
 * Runs a prepared statement through TypeORM, so logging, error mapping (QueryFailedError) and the transaction's
 * own connection all apply as for any query. Results are shaped like `query()`: rows for SELECT/INSERT, and
 * `[rows, rowCount]` for UPDATE/DELETE.
 */
export function run<T = unknown>(db: DataSource | EntityManager, statement: Prepared, params: unknown[]): Promise<T> {
  // node-postgres writes the values into the config object, so each call gets its own
  const config = { name: statement.name, text: statement.text };
  return db.query(config as unknown as string, params) as Promise<T>;
}
