import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { IS_PUBLIC } from '../common/decorators.js';
import { DomainError } from '../common/errors.js';
import { AuthService, SESSION_COOKIE } from './auth.service.js';
import type { Viewer } from './viewer.js';

/** Global guard: every route needs a live session unless it is marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<Request & { viewer?: Viewer }>();
    const token = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    const viewer = await this.auth.resolve(token);
    if (viewer) req.viewer = viewer;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()]);
    if (isPublic || viewer) return true;
    throw new DomainError('UNAUTHENTICATED', 'Please sign in to continue.');
  }
}
