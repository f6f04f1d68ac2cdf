import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ALLOW_SUSPENDED, IS_PUBLIC } from '../common/decorators.js';
import { can, Permission, REQUIRED_PERMISSION } from '../access/permissions.js';
import { assertCanWrite } from '../access/policy.js';
import { DomainError } from '../common/errors.js';
import { AuthService } from './auth.service.js';
import type { Viewer } from '../access/viewer.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global guard: every route needs a live session unless marked @Public(); a suspended member may only read;
 * a route with @RequirePermission needs a role that has it. The viewer is read fresh on every request.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<Request & { viewer?: Viewer }>();
    const token = this.auth.tokenFrom(req.cookies as Record<string, string> | undefined);
    const viewer = await this.auth.resolve(token);
    if (viewer) req.viewer = viewer;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()]);
    if (!viewer) {
      if (isPublic) return true;
      throw new DomainError('UNAUTHENTICATED', 'Please sign in to continue.');
    }
    if (!SAFE.has(req.method) && !this.reflector.getAllAndOverride<boolean>(ALLOW_SUSPENDED, [ctx.getHandler(), ctx.getClass()])) assertCanWrite(viewer);
    const permission = this.reflector.get<Permission | undefined>(REQUIRED_PERMISSION, ctx.getHandler());
    if (permission && !can(viewer.role, permission)) throw new DomainError('FORBIDDEN', 'Only moderators can do this.');
    if (permission && viewer.staffSecondFactorMissing) {
      throw new DomainError('SECOND_FACTOR_SETUP_REQUIRED', 'Moderation needs two-factor sign-in: turn it on in your account settings first.');
    }
    return true;
  }
}
