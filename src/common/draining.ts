import type { NextFunction, Request, Response } from 'express';

let draining = false;
let inFlight = 0;
const background = new Set<Promise<unknown>>();

/** Called once the process begins to stop (main.ts). */
export function startDraining(): void {
  draining = true;
}

/**
 * Counts the requests being answered; while stopping, every answer also closes its connection: a keep-alive client
 * would otherwise keep one open (and keep being served) after the listener has closed, holding the exit back.
 */
export function closeConnectionsWhenDraining(_req: Request, res: Response, next: NextFunction): void {
  inFlight += 1;
  res.once('close', () => (inFlight -= 1));
  if (draining) res.setHeader('Connection', 'close');
  next();
}

/** Work that outlives its request but must finish before the process stops (a new reply's live push). */
export function inBackground<T>(work: Promise<T>): Promise<T> {
  background.add(work);
  work.then(
    () => background.delete(work),
    () => background.delete(work),
  );
  return work;
}

/**
 * Resolves once no request is being answered and no background work is left (true), or when the time is up (false).
 * The stop waits for this before closing Redis and the sockets: a reply answered while stopping is pushed live like
 * any other, in order, instead of waiting for another instance to recover it after later replies went out.
 */
export async function settled(withinMs: number): Promise<boolean> {
  const end = Date.now() + withinMs;
  while (Date.now() < end) {
    if (inFlight === 0 && background.size === 0) return true;
    // a timer each round: racing only settled promises would spin on microtasks and starve the requests awaited
    const tick = new Promise((r) => setTimeout(r, 25));
    await (background.size ? Promise.race([Promise.allSettled([...background]), tick]) : tick);
  }
  return inFlight === 0 && background.size === 0;
}
export function pendingWork(): { inFlight: number; background: number } {
  return { inFlight, background: background.size };
}
