import { createClient } from 'redis';
import { sleep } from './stats.js';

export const DEFAULT_REDIS = 'redis://127.0.0.1:6379';

/** The Redis server of the two-instance fan-out: BENCH_REDIS_URL, else the local default. */
export function benchRedisUrl(): string {
  return process.env.BENCH_REDIS_URL?.trim() || DEFAULT_REDIS;
}

const newClient = (url: string, timeoutMs: number) => createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });

/** Connects once, without retrying: a Redis that is not there must be reported, not waited for. */
async function connect(url: string, timeoutMs: number): Promise<ReturnType<typeof newClient>> {
  const client = newClient(url, timeoutMs);
  client.on('error', () => undefined); // the connect() below rejects; the event must not crash the bench
  await Promise.race([
    client.connect(),
    sleep(timeoutMs + 500).then(() => {
      throw new Error(`no answer within ${timeoutMs} ms`);
    }),
  ]).catch((e: unknown) => {
    client.destroy();
    throw e;
  });
  return client;
}

/** null when Redis answers PING, else why not. */
export async function redisProblem(url: string): Promise<string | null> {
  try {
    new URL(url);
  } catch {
    return 'not a URL';
  }
  try {
    const client = await connect(url, 2000);
    try {
      const pong = await Promise.race([client.ping(), sleep(2000).then(() => 'no answer to PING within 2 s')]);
      return pong === 'PONG' ? null : String(pong);
    } finally {
      client.destroy();
    }
  } catch (e) {
    return e instanceof Error ? e.message || e.name : String(e);
  }
}

/**
 * Deletes the keys under `prefix` (the run's own: rate-limit counters, typing sets), and nothing else. The socket.io
 * adapter only publishes on channels under the prefix, which leave nothing behind.
 */
export async function deleteKeys(url: string, prefix: string): Promise<number> {
  if (!/^[\w.:-]+$/.test(prefix) || !prefix.startsWith('setback-bench-')) throw new Error(`refusing to delete keys under "${prefix}"`);
  const client = await connect(url, 2000);
  let deleted = 0;
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length) deleted += await client.del(keys);
  } finally {
    client.destroy();
  }
  return deleted;
}
