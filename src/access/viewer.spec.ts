import { describe, expect, it } from '@jest/globals';
import type { Role } from '../contract/views.js';
import { isStaff, lacksStaffSecondFactor } from './viewer.js';
import type { Viewer } from './viewer.js';

const viewer = (role: Role, totpEnabled: boolean, requireStaff2fa: boolean): Viewer => ({
  id: 'u',
  username: 'u',
  role,
  sessionId: 's',
  createdAt: new Date(0),
  suspendedUntil: null,
  staffSecondFactorMissing: lacksStaffSecondFactor(role, totpEnabled, requireStaff2fa),
});

describe('isStaff', () => {
  it.each([
    // role, two-factor on, REQUIRE_STAFF_2FA, reads as staff
    ['member', false, false, false],
    ['member', true, true, false],
    ['moderator', false, false, true],
    ['admin', false, false, true],
    ['moderator', false, true, false],
    ['admin', false, true, false],
    ['moderator', true, true, true],
    ['admin', true, true, true],
  ] as const)('%s with two-factor %s under REQUIRE_STAFF_2FA=%s reads as staff: %s', (role, totp, required, staff) => {
    const v = viewer(role, totp, required);
    expect(isStaff(v)).toBe(staff);
    expect(v.role).toBe(role);
  });

  it('is false for no viewer', () => {
    expect(isStaff(null)).toBe(false);
    expect(isStaff(undefined)).toBe(false);
  });
});
