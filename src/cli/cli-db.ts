import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/config.js';
import { OpenDatabase, openDatabase } from '../database/data-source.js';
import { EmbeddedDatabaseBusyError } from '../database/embedded-lock.js';

/** Runs a command-line task against the configured database, with clear messages instead of stack traces. */
export async function withDatabase(task: (db: OpenDatabase) => Promise<void>, opts: { migrate?: boolean } = {}): Promise<void> {
  let db: OpenDatabase | null = null;
  try {
    db = await openDatabase(loadConfig(), { migrate: opts.migrate ?? true, poolSize: 2, fastFail: false });
    await task(db);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof EmbeddedDatabaseBusyError || e instanceof CliError) console.error(e.message);
    else console.error(e);
    process.exitCode = 1;
  } finally {
    await db?.close().catch(() => undefined);
  }
}

export class CliError extends Error {}
