import type { Role } from '../contract/views.js';

/** Who is asking: resolved from the session cookie on every request, so a role change or ban applies at once. */
export interface Viewer {
  id: string;
  username: string;
  role: Role;
  sessionId: string;
  createdAt: Date;
  suspendedUntil: Date | null;
  /** Two-factor sign-in is on for this account (so this session passed it at login). */
  totpEnabled?: boolean;
}

export const isStaff = (v: Viewer | null | undefined): boolean => v?.role === 'moderator' || v?.role === 'admin';
