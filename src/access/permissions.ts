import { SetMetadata } from '@nestjs/common';
import type { Role } from '../contract/views.js';

/** What staff may do, by name; checked by a guard on the route and again for the target in the service. */
export enum Permission {
  QueueReview = 'queue.review',
  ReportRead = 'report.read',
  ReportResolve = 'report.resolve',
  ThreadLock = 'thread.lock',
  ThreadPin = 'thread.pin',
  ThreadHide = 'thread.hide',
  ThreadRestore = 'thread.restore',
  ThreadEdit = 'thread.edit',
  ReplyHide = 'reply.hide',
  ReplyRestore = 'reply.restore',
  UserRead = 'user.read',
  UserSuspend = 'user.suspend',
  UserBan = 'user.ban',
  UserRole = 'user.role',
  AuthorReveal = 'author.reveal',
  LogRead = 'log.read',
  WatchedWordsManage = 'watched_words.manage',
  DutyTake = 'duty.take',
  AlertRead = 'alert.read',
  AlertResolve = 'alert.resolve',
  SupportRead = 'support.read',
  SupportWrite = 'support.write',
}

const MODERATION_SET = Object.values(Permission).filter((p) => p !== Permission.UserRole);

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  member: new Set(),
  moderator: new Set(MODERATION_SET),
  admin: new Set(Object.values(Permission)),
};

export const can = (role: Role, permission: Permission): boolean => ROLE_PERMISSIONS[role]?.has(permission) ?? false;

export const REQUIRED_PERMISSION = 'setback:permission';
export const RequirePermission = (permission: Permission): MethodDecorator => SetMetadata(REQUIRED_PERMISSION, permission);
