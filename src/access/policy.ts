import type { Viewer } from './viewer.js';
import { durationInWords } from '../common/durations.js';
import { DomainError } from '../common/errors.js';

/** Suspended members may read but not write. */
export function assertCanWrite(viewer: Viewer): void {
  if (viewer.suspendedUntil && viewer.suspendedUntil.getTime() > Date.now()) {
    const left = durationInWords(viewer.suspendedUntil.getTime() - Date.now());
    throw new DomainError('ACCOUNT_SUSPENDED', `Your account is suspended: you can write again in ${left}. Until then you can still read, and write to the moderators.`, {
      until: viewer.suspendedUntil.toISOString(),
    });
  }
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const REPLY_ID_RE = /^[1-9]\d{0,17}$/;
