import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, IsNull, QueryFailedError, Repository } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service.js';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.js';
import type { Role, UserView } from '../contract/views.js';
import { DomainError } from '../common/errors.js';
import { prepared, run } from '../database/prepared.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { User } from '../users/user.entity.js';
import { UsersRepository } from '../users/users.repository.js';
import { toUserView, usernameKey } from '../users/users.service.js';
import { usernameSkeleton } from '../users/username-skeleton.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.js';
import { Session } from './session.entity.js';
import { issueRecoveryCodes } from './recovery-codes.js';
import { SignInLimits } from './sign-in-limits.js';
import { TwoFactorService } from './two-factor.service.js';
import { isStaff, lacksStaffSecondFactor } from '../access/viewer.js';
import type { Viewer } from '../access/viewer.js';
import type { LoginDto, RegisterDto } from './auth.dto.js';

export const SESSION_DAYS = 30;
/**
 * The session cookie's name: with the `__Host-` prefix when the site is https, so the browser insists on Secure,
 * path / and no Domain, and no other host under the same domain can plant or shadow it. REST and socket
 * handshakes both read it through AuthService.tokenFrom.
 */
export const sessionCookieName = (config: Pick<AppConfig, 'secureCookies'>): string => (config.secureCookies ? '__Host-setback_session' : 'setback_session');

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface SignedIn {
  user: UserView & { recoveryCodes?: string[] };
  token: string;
  expiresAt: Date;
}

/** Events other modules (realtime) react to; emitted after the change is committed. */
export interface SessionsEndedEvent {
  userId: string;
  sessionIds: string[] | 'all';
  reason: string;
}

@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    private readonly dataSource: DataSource,
    private readonly events: EventEmitter2,
    private readonly twoFactor: TwoFactorService,
    private readonly signInLimits: SignInLimits,
    private readonly alerts: AlertsService,
    private readonly userRows: UsersRepository,
    private readonly notifications: NotificationsService,
  ) {}

  async register(dto: RegisterDto): Promise<SignedIn> {
    const passwordHash = await hashPassword(dto.password);
    let user: User;
    try {
      user = await this.users.save(
        this.users.create({ username: dto.username, usernameKey: usernameKey(dto.username), usernameSkeleton: usernameSkeleton(dto.username), passwordHash, role: 'member' }),
      );
    } catch (e) {
      if (e instanceof QueryFailedError && (e.driverError as { code?: string }).code === '23505') {
        // the same name in another case, or one that only looks the same ("rn" for "m", "0" for "o")
        throw new DomainError('USERNAME_TAKEN', 'That username is taken, or too close to one that is. Please choose another.', {
          errors: [{ field: 'username', message: 'That username is taken or too similar to an existing one' }],
        });
      }
      throw e;
    }
    const signedIn = await this.startSession(user);
    // shown once, in this response: the only way back in without email
    return { ...signedIn, user: { ...signedIn.user, recoveryCodes: await issueRecoveryCodes(this.dataSource, user.id) } };
  }

  /** Signs in from an address; only failures count against it (SignInLimits), and a success clears them. */
  async login(dto: LoginDto, address: string): Promise<SignedIn> {
    const account = usernameKey(dto.username);
    await this.signInLimits.check(account, address);
    let user: User;
    try {
      user = await this.checkCredentials(dto);
    } catch (e) {
      if (e instanceof DomainError && e.code === 'INVALID_CREDENTIALS') await this.signInLimits.failed(account, address);
      throw e;
    }
    await this.signInLimits.succeeded(account, address);
    return this.startSession(user);
  }

  /** The user whose password (and second factor, when on) this is; a banned account is refused only after the password. */
  private async checkCredentials(dto: LoginDto): Promise<User> {
    const user = await this.users.findOneBy({ usernameKey: usernameKey(dto.username) });
    if (!user) {
      await burnPasswordCheck(dto.password);
      throw invalidCredentials();
    }
    if (!(await verifyPassword(user.passwordHash, dto.password))) throw invalidCredentials();
    if (user.bannedAt) throw new DomainError('ACCOUNT_BANNED', 'This account has been banned from Setback.');
    if (user.totpEnabledAt) {
      const secret = (await this.userRows.twoFactorOf(user.id))?.secret as string;
      if (!dto.code) throw new DomainError('SECOND_FACTOR_REQUIRED', 'Enter the 6-digit code from your authenticator app.');
      if (!(await this.twoFactor.consume(user.id, secret, dto.code))) {
        throw new DomainError('INVALID_CREDENTIALS', 'That code is not right. Codes change every 30 seconds.', { errors: [{ field: 'code', message: 'That code is not right' }] });
      }
    }
    return user;
  }

  /** A fresh random token per sign-in (no fixation); only its hash is stored. */
  private async startSession(user: User): Promise<SignedIn> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
    await this.sessions.insert({ userId: user.id, tokenHash: hashToken(token), expiresAt });
    return { user: toUserView(user), token, expiresAt };
  }

  /** One indexed lookup per request; the user row is read fresh so role, suspension and ban apply at once. */
  async resolve(token: string | undefined): Promise<Viewer | null> {
    if (!token || token.length > 200) return null;
    const rows: { session_id: string; id: string; username: string; role: Role; created_at: Date; suspended_until: Date | null; totp: boolean }[] =
      await run(this.dataSource, SESSION_LOOKUP, [hashToken(token)]);
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      username: r.username,
      role: r.role,
      sessionId: r.session_id,
      createdAt: r.created_at,
      suspendedUntil: r.suspended_until,
      staffSecondFactorMissing: lacksStaffSecondFactor(r.role, r.totp, this.config.requireStaff2fa),
    };
  }

  async logout(viewer: Viewer): Promise<void> {
    await this.sessions.update({ id: viewer.sessionId, revokedAt: IsNull() }, { revokedAt: new Date() });
    this.events.emit('sessions.ended', { userId: viewer.id, sessionIds: [viewer.sessionId], reason: 'signed-out' } satisfies SessionsEndedEvent);
  }

  async logoutAll(viewer: Viewer): Promise<void> {
    await this.revokeAll(viewer.id, 'signed-out-everywhere');
  }

  async revokeAll(userId: string, reason: string, exceptSessionId?: string): Promise<void> {
    const [ended]: [{ id: string }[], number] = await this.dataSource.query(
      `UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid) RETURNING id`,
      [userId, exceptSessionId ?? null],
    );
    // with a session kept, only the ended ones are told; otherwise every socket of the account (even one whose
    // session had already lapsed) is ended
    const sessionIds = exceptSessionId ? ended.map((s) => s.id) : ('all' as const);
    if (sessionIds === 'all' || sessionIds.length) this.events.emit('sessions.ended', { userId, sessionIds, reason } satisfies SessionsEndedEvent);
  }

  async changePassword(viewer: Viewer, current: string, next: string): Promise<void> {
    const user = await this.users.findOneByOrFail({ id: viewer.id });
    if (!(await verifyPassword(user.passwordHash, current))) {
      throw new DomainError('INVALID_CREDENTIALS', 'The current password is not right.', { errors: [{ field: 'current', message: 'The current password is not right' }] });
    }
    await this.users.update({ id: user.id }, { passwordHash: await hashPassword(next) });
    await this.revokeAll(user.id, 'password-changed', viewer.sessionId);
  }

  async me(viewer: Viewer): Promise<UserView & { unreadNotifications: number; breakUntil: string | null; twoFactor: boolean; suspendedUntil: string | null; openAlerts?: number }> {
    const user = await this.users.findOneByOrFail({ id: viewer.id });
    const unread = await this.notifications.unreadCount(viewer.id);
    const breakUntil = user.breakUntil && user.breakUntil > new Date() ? user.breakUntil.toISOString() : null;
    // staff see how many alerts wait for a moderator (the header badge)
    const alerts = isStaff(viewer) ? { openAlerts: await this.alerts.openCount() } : {};
    const suspendedUntil = viewer.suspendedUntil && viewer.suspendedUntil.getTime() > Date.now() ? viewer.suspendedUntil.toISOString() : null;
    return { ...toUserView(user), unreadNotifications: unread, breakUntil, twoFactor: user.totpEnabledAt !== null, suspendedUntil, ...alerts };
  }

  get cookieName(): string {
    return sessionCookieName(this.config);
  }

  /** The session token a request or a socket handshake carries, under this deployment's cookie name. */
  tokenFrom(cookies: Record<string, string | undefined> | undefined): string | undefined {
    return cookies?.[this.cookieName];
  }

  /** Options to set the cookie with (an expiry) or to clear it (none): the same attributes, or a `__Host-` cookie is not cleared. */
  cookieOptions(expiresAt?: Date): { httpOnly: true; sameSite: 'lax'; secure: boolean; path: string; expires?: Date } {
    return { httpOnly: true, sameSite: 'lax', secure: this.config.secureCookies, path: '/', ...(expiresAt ? { expires: expiresAt } : {}) };
  }
}

const SESSION_LOOKUP = prepared(
  'session.lookup',
  `SELECT s.id AS session_id, u.id, u.username, u.role, u.created_at, u.suspended_until, u.totp_enabled_at IS NOT NULL AS totp
     FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.banned_at IS NULL`,
);

const invalidCredentials = (): DomainError => new DomainError('INVALID_CREDENTIALS', 'That username and password do not match.');
