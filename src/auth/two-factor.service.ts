import type { DomainEvents } from '../common/events.js';
import { Injectable } from '@nestjs/common';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { DataSource } from 'typeorm';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DomainError } from '../common/errors.js';
import type { Viewer } from '../access/viewer.js';
import { UsersRepository } from '../users/users.repository.js';

/** TOTP two-factor sign-in (for everyone who wants it; required of staff when REQUIRE_STAFF_2FA=true). */
@Injectable()
export class TwoFactorService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventEmitter2,
    private readonly users: UsersRepository,
  ) {}

  async check(secret: string, code: string | undefined): Promise<boolean> {
    return (await this.step(secret, code)) !== null;
  }

  /** The time step a code belongs to, or null when it is wrong. One step either way tolerates a phone clock a little off. */
  private async step(secret: string, code: string | undefined): Promise<number | null> {
    if (!code || !/^\d{6}$/.test(code)) return null;
    const result = (await verify({ secret, token: code, epochTolerance: 30 }).catch(() => ({ valid: false }))) as { valid: boolean; timeStep?: number };
    return result.valid ? (result.timeStep ?? 0) : null;
  }

  /** Checks a sign-in code and spends it: the same code never works twice. */
  async consume(userId: string, secret: string, code: string | undefined): Promise<boolean> {
    const step = await this.step(secret, code);
    if (step === null) return false;
    return this.users.spendTotpStep(userId, step);
  }

  /** A new secret (not active until confirmed with a code), with a QR code to scan. */
  async setup(viewer: Viewer): Promise<{ secret: string; otpauthUrl: string; qrSvg: string }> {
    const u = await this.users.twoFactorOf(viewer.id);
    if (u?.enabledAt) throw new DomainError('CONFLICT', 'Two-factor sign-in is already on. Turn it off first to set up a new device.');
    const secret = generateSecret();
    await this.users.setTwoFactorSecret(viewer.id, secret);
    const otpauthUrl = generateURI({ issuer: 'Setback', label: viewer.username, secret });
    const qrSvg = await QRCode.toString(otpauthUrl, { type: 'svg', margin: 1 });
    return { secret, otpauthUrl, qrSvg };
  }

  async enable(viewer: Viewer, code: string): Promise<{ enabled: true }> {
    const u = await this.users.twoFactorOf(viewer.id);
    if (!u?.secret) throw new DomainError('CONFLICT', 'Start the set-up first.');
    if (u.enabledAt) return { enabled: true };
    if (!(await this.check(u.secret, code))) throw invalidCode();
    await this.users.enableTwoFactor(viewer.id);
    // sessions opened before now did not pass the second factor
    const [ended]: [{ id: string }[], number] = await this.dataSource.query(
      'UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL RETURNING id',
      [viewer.id, viewer.sessionId],
    );
    if (ended.length) this.events.emit('sessions.ended', { userId: viewer.id, sessionIds: ended.map((s) => s.id), reason: 'two-factor-enabled' });
    return { enabled: true };
  }

  async disable(viewer: Viewer, code: string): Promise<{ enabled: false }> {
    const u = await this.users.twoFactorOf(viewer.id);
    if (!u?.enabledAt || !u.secret) return { enabled: false };
    if (!(await this.check(u.secret, code))) throw invalidCode();
    await this.users.disableTwoFactor(viewer.id);
    // under REQUIRE_STAFF_2FA a moderator's open sockets must stop hearing what only staff may
    this.events.emit('user.access_changed', { userId: viewer.id } satisfies DomainEvents['user.access_changed']);
    return { enabled: false };
  }
}

const invalidCode = (): DomainError =>
  new DomainError('INVALID_CREDENTIALS', 'That code is not right. Codes change every 30 seconds.', { errors: [{ field: 'code', message: 'That code is not right' }] });
