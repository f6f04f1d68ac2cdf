import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../common/errors.js';
import { UsersRepository } from '../users/users.repository.js';
import { usernameKey } from '../users/users.service.js';
import { AuthService } from './auth.service.js';
import { hashRecoveryCode, issueRecoveryCodes } from './recovery-codes.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.js';
import type { Viewer } from '../access/viewer.js';

/** One-time recovery codes: the way back into an account without email, by design. */
@Injectable()
export class RecoveryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auth: AuthService,
    private readonly users: UsersRepository,
  ) {}

  issue(userId: string, em: EntityManager | DataSource = this.dataSource): Promise<string[]> {
    return issueRecoveryCodes(em, userId);
  }

  async regenerate(viewer: Viewer, password: string): Promise<{ recoveryCodes: string[] }> {
    const hash = await this.users.passwordHash(viewer.id);
    if (!hash || !(await verifyPassword(hash, password))) {
      throw new DomainError('INVALID_CREDENTIALS', 'That password is not right.', { errors: [{ field: 'password', message: 'That password is not right' }] });
    }
    return { recoveryCodes: await this.issue(viewer.id) };
  }

  /** Spends one code (atomically, so it works once), sets the new password and ends every session. */
  async recover(username: string, code: string, newPassword: string): Promise<{ remainingCodes: number }> {
    const wrong = () => new DomainError('INVALID_CREDENTIALS', 'That username and recovery code do not match.');
    const userId = await this.users.recoverableId(usernameKey(username));
    if (!userId) {
      await burnPasswordCheck(newPassword);
      throw wrong();
    }
    const passwordHash = await hashPassword(newPassword);
    const remaining = await this.dataSource.transaction(async (em) => {
      const [spent]: [{ id: string }[], number] = await em.query(
        'UPDATE recovery_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING id',
        [userId, hashRecoveryCode(userId, code)],
      );
      if (!spent.length) throw wrong();
      await this.users.setPasswordHash(em, userId, passwordHash);
      const [{ n }]: { n: number }[] = await em.query('SELECT count(*)::int AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL', [userId]);
      return n;
    });
    await this.auth.revokeAll(userId, 'password-reset');
    return { remainingCodes: remaining };
  }
}
