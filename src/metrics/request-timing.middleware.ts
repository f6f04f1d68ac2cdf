import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service.js';

/** Requests that matched no route (unknown paths, the static client) share one label. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * The route template of a request (`/api/threads/:id`), never its raw URL: ids in labels would make one
 * time series per story. Express sets `req.route` once a route matched (Nest's handlers are routes of the app's
 * own router), and it is still there when the response finishes, also when a guard refused the request.
 * `req.baseUrl` is the part of the real URL a mounted middleware matched: when it is not empty the response came
 * from inside such a middleware (a refused cross-site write, a body too large) before any route, and the URL
 * must not leak into a label.
 */
export function routeTemplate(req: Request): string {
  const path: unknown = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path !== 'string' || (req.baseUrl ?? '') !== '') return UNMATCHED_ROUTE;
  return path || '/';
}

/**
 * Times every request from its first middleware to the last byte of the response. A middleware rather than an
 * interceptor: interceptors run after guards, so they would miss the session lookup and every 401.
 */
@Injectable()
export class RequestTimingMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.observeRequest(req.method, routeTemplate(req), res.statusCode, seconds);
    });
    next();
  }
}
