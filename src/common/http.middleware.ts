import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.js';
import { DomainError } from './errors.js';

const AUTH_LIMIT = '16kb';
const CONTENT_LIMIT = '256kb';
const MAX_DEPTH = 32;

/** Deeply nested JSON would overflow the stack in validation; no real request nests beyond a few levels. */
function checkDepth(_req: unknown, _res: unknown, buf: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash escapes the next byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) throw Object.assign(new Error('too deep'), { status: 400, type: 'entity.too.deep' });
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/** Keys that could reach an object's prototype are refused outright, so the request fails instead of silently losing them. */
function refuseProtoKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw new SyntaxError(`"${key}" is not allowed as a key`);
  return value;
}

const authParser = express.json({ limit: AUTH_LIMIT, strict: true, verify: checkDepth, reviver: refuseProtoKeys });
const contentParser = express.json({ limit: CONTENT_LIMIT, strict: true, verify: checkDepth, reviver: refuseProtoKeys });

/** JSON bodies with a limit per route family; parse errors are thrown so the one filter shapes them. */
@Injectable()
export class BodyParserMiddleware implements NestMiddleware {
  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const parser = req.originalUrl.startsWith('/api/auth') ? authParser : contentParser;
    await new Promise<void>((resolve, reject) => parser(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
    next();
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Refuses state-changing requests that come from another site, whatever cookie they carry. */
@Injectable()
export class CrossSiteMiddleware implements NestMiddleware {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  use(req: Request, _res: Response, next: NextFunction): void {
    if (SAFE_METHODS.has(req.method)) return next();
    if (req.headers['sec-fetch-site'] === 'cross-site') throw crossSite();
    const origin = req.headers.origin;
    if (origin !== undefined && !isSameOrigin(origin, req, this.config)) throw crossSite();
    next();
  }
}

export function isSameOrigin(origin: string, req: { headers: Record<string, string | string[] | undefined>; protocol?: string }, config: AppConfig): boolean {
  if (config.publicOrigin) return origin === config.publicOrigin;
  // without PUBLIC_ORIGIN the site's own origin is whatever host the browser reached
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

const crossSite = (): DomainError => new DomainError('CROSS_SITE', 'This request came from another site and was refused.');

/** API answers carry members' own data (drafts, notifications, lists): no browser or shared cache may keep them. */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}

/** Setback is members-only: nothing of it belongs in a search engine. */
export function noIndex(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Robots-Tag', 'noindex, nofollow');
  next();
}
