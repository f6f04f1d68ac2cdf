import type { NextFunction, Request, Response } from 'express';

let draining = false;

/** Called once the process begins to stop (main.ts). */
export function startDraining(): void {
  draining = true;
}

/**
 * While stopping, every answer closes its connection: a keep-alive client would otherwise keep one open (and
 * keep being served) after the listener has closed, holding the exit back until its idle timeout.
 */
export function closeConnectionsWhenDraining(_req: Request, res: Response, next: NextFunction): void {
  if (draining) res.setHeader('Connection', 'close');
  next();
}
