import type { Viewer } from '../auth/viewer.js';
import { isStaff } from '../auth/viewer.js';
import { DomainError } from '../common/errors.js';

/** The fields of a thread that decide who may see it. */
export interface ThreadAccess {
  author_id: string;
  status: string;
  hidden: boolean;
  deleted_at: Date | null;
  blocked_by_viewer?: boolean;
}

/**
 * The one read rule for a story, used by REST, socket joins, broadcasts and search alike.
 * What a viewer may not see answers 404, so its existence does not leak.
 */
export function canReadThread(viewer: Viewer, t: ThreadAccess): boolean {
  if (isStaff(viewer)) return true;
  if (t.deleted_at || t.hidden) return false;
  if (t.status !== 'published' && t.author_id !== viewer.id) return false;
  if (t.blocked_by_viewer) return false;
  return true;
}

/** Suspended members may read but not write. */
export function assertCanWrite(viewer: Viewer): void {
  if (viewer.suspendedUntil && viewer.suspendedUntil.getTime() > Date.now()) {
    throw new DomainError('ACCOUNT_SUSPENDED', `Your account is suspended until ${viewer.suspendedUntil.toISOString()}. You can still read.`, {
      until: viewer.suspendedUntil.toISOString(),
    });
  }
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const REPLY_ID_RE = /^[1-9]\d{0,17}$/;
