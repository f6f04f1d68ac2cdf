import type { Role } from '../contract/views.js';

/** Who is asking: resolved from the session cookie on every request, so a role change or ban applies at once. */
export interface Viewer {
  id: string;
  username: string;
  role: Role;
  sessionId: string;
  createdAt: Date;
  suspendedUntil: Date | null;
  /**
   * Staff whose sign-in does not meet REQUIRE_STAFF_2FA (see `lacksStaffSecondFactor`). The role stays as it is, so
   * account screens show it and moderation routes answer SECOND_FACTOR_SETUP_REQUIRED, but `isStaff` is false.
   */
  staffSecondFactorMissing?: boolean;
}

/**
 * The REQUIRE_STAFF_2FA rule, written once: a staff sign-in meets it only when the account has two-factor sign-in
 * on (sign-in then takes a code, and turning it on ends every other session).
 */
export const lacksStaffSecondFactor = (role: Role, totpEnabled: boolean, requireStaff2fa: boolean): boolean =>
  requireStaff2fa && (role === 'moderator' || role === 'admin') && !totpEnabled;

// a moderator's password alone must not open staff views: without the required second factor, staff read as members
export const isStaff = (v: Viewer | null | undefined): boolean => (v?.role === 'moderator' || v?.role === 'admin') && !v.staffSecondFactorMissing;
