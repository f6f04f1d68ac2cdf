import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from './errors.js';
import type { Viewer } from '../access/viewer.js';

export const IS_PUBLIC = 'setback:public';
/** The route answers visitors without a session (register, login, guidelines, health). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

export const ALLOW_SUSPENDED = 'setback:allow-suspended';
/** A write a suspended member may still make (signing out, changing their password). */
export const AllowSuspended = (): MethodDecorator & ClassDecorator => SetMetadata(ALLOW_SUSPENDED, true);

/** The signed-in member making this request (the auth guard has already refused visitors). */
export const CurrentViewer = createParamDecorator((_: unknown, ctx: ExecutionContext): Viewer => {
  const req = ctx.switchToHttp().getRequest<Request & { viewer?: Viewer }>();
  if (!req.viewer) throw new DomainError('UNAUTHENTICATED', 'Please sign in.');
  return req.viewer;
});
