import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '../contract/views.js';
import { User } from './user.entity.js';

/**
 * SQL: member `id` has erased their account, or (where `breakToo` is true) is on a break; a fragment for the
 * statements of modules that write something for a member (a notification), so asking costs no statement more.
 */
export const memberAway = (id: string, breakToo: string): string =>
  `EXISTS (SELECT 1 FROM users WHERE id = ${id} AND (deleted_at IS NOT NULL OR (${breakToo} AND break_until > now())))`;

/** Whatever runs a statement: the data source, or the EntityManager of a transaction the statement belongs to. */
type Db = DataSource | EntityManager;

/** A member as moderation sees them before acting on the account. */
export type ModeratedUser = Pick<User, 'id' | 'username' | 'role' | 'suspendedUntil' | 'bannedAt' | 'createdAt'>;

/** What a member's export holds of their account. */
export type ExportedAccount = Pick<User, 'id' | 'username' | 'role' | 'createdAt' | 'breakUntil'>;

/**
 * Statements on `users` that other modules need (moderation, privacy, reports): the users module owns the table
 * (docs/ownership.md), so they live here. Those that are part of a bigger transaction take its EntityManager.
 */
@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The member moderation is about to act on, or undefined; `id` must already be a well-formed uuid. */
  async findForModeration(db: Db, id: string): Promise<ModeratedUser | undefined> {
    const u = await db.getRepository(User).findOne({ where: { id }, select: { id: true, username: true, role: true, suspendedUntil: true, bannedAt: true, createdAt: true } });
    return u ?? undefined;
  }

  /** Suspends until `days` days from now (the database's clock); answers the new end. */
  async suspend(db: Db, id: string, days: number): Promise<Date> {
    const [rows]: [{ suspended_until: Date }[], number] = await db.query(
      `UPDATE users SET suspended_until = now() + make_interval(days => $2) WHERE id = $1 RETURNING suspended_until`,
      [id, days],
    );
    return rows[0].suspended_until;
  }

  async ban(db: Db, id: string): Promise<void> {
    await db.query('UPDATE users SET banned_at = now() WHERE id = $1', [id]);
  }

  /** Lifts a ban and a suspension alike. */
  async lift(db: Db, id: string): Promise<void> {
    await db.query('UPDATE users SET banned_at = NULL, suspended_until = NULL WHERE id = $1', [id]);
  }

  async setRole(db: Db, id: string, role: Role): Promise<void> {
    await db.query('UPDATE users SET role = $2 WHERE id = $1', [id, role]);
  }

  /** The id of the account under this username key (usernameKey), gone or not. */
  async idByUsernameKey(key: string): Promise<string | undefined> {
    const rows: { id: string }[] = await this.dataSource.query('SELECT id FROM users WHERE username_key = $1', [key]);
    return rows[0]?.id;
  }

  /** The members under these username keys who are not banned, in the order of `keys` (those @mentioned). */
  async idsNotBannedByUsernameKeys(db: Db, keys: string[]): Promise<string[]> {
    const rows: { id: string }[] = await db.query(
      `SELECT id FROM users WHERE username_key = ANY($1::text[]) AND banned_at IS NULL ORDER BY array_position($1::text[], username_key)`,
      [keys],
    );
    return rows.map((r) => r.id);
  }

  /** Whether a member who is not banned has this id (a member can be reported); `id` must be a well-formed uuid. */
  async existsNotBanned(id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM users WHERE id = $1 AND banned_at IS NULL', [id]);
    return rows.length > 0;
  }

  async exportAccount(id: string): Promise<ExportedAccount | undefined> {
    const rows: { id: string; username: string; role: Role; created_at: Date; break_until: Date | null }[] = await this.dataSource.query(
      'SELECT id, username, role, created_at, break_until FROM users WHERE id = $1',
      [id],
    );
    const u = rows[0];
    return u && { id: u.id, username: u.username, role: u.role, createdAt: u.created_at, breakUntil: u.break_until };
  }

  async passwordHash(id: string): Promise<string | undefined> {
    const rows: { password_hash: string }[] = await this.dataSource.query('SELECT password_hash FROM users WHERE id = $1', [id]);
    return rows[0]?.password_hash;
  }

  /**
   * A leaving member's account becomes a tombstone: its name is replaced, it can no longer sign in, and its
   * personal settings are gone. The row stays, so that what they wrote keeps an author (shown as a former member).
   */
  async tombstone(em: EntityManager, id: string, name: string): Promise<void> {
    await em.query(
      `UPDATE users SET username = $2, username_key = $2, password_hash = '!', role = 'member', deleted_at = now(), totp_secret = NULL,
              totp_enabled_at = NULL, break_until = NULL WHERE id = $1`,
      [id, name],
    );
  }

  /** A break from notifications for `days` days from now; answers its end. */
  async startBreak(id: string, days: number): Promise<Date> {
    const [rows]: [{ break_until: Date }[], number] = await this.dataSource.query(
      'UPDATE users SET break_until = now() + make_interval(days => $2) WHERE id = $1 RETURNING break_until',
      [id, days],
    );
    return rows[0].break_until;
  }

  async endBreak(id: string): Promise<void> {
    await this.dataSource.query('UPDATE users SET break_until = NULL WHERE id = $1', [id]);
  }

  // credentials: the auth module signs members in with these columns, the users module holds the statements

  /** The sign-in two-factor secret and since when it is on (null, null: never set up). */
  async twoFactorOf(id: string): Promise<{ secret: string | null; enabledAt: Date | null } | undefined> {
    const rows: { totp_secret: string | null; totp_enabled_at: Date | null }[] = await this.dataSource.query('SELECT totp_secret, totp_enabled_at FROM users WHERE id = $1', [id]);
    return rows[0] && { secret: rows[0].totp_secret, enabledAt: rows[0].totp_enabled_at };
  }

  /** Spends a two-factor time step: true only the first time a step at least this late is used (a code works once). */
  async spendTotpStep(id: string, step: number): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.dataSource.query(
      'UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id',
      [id, step],
    );
    return rows.length === 1;
  }

  /** A new two-factor secret, not in force until enableTwoFactor. */
  async setTwoFactorSecret(id: string, secret: string): Promise<void> {
    await this.dataSource.query('UPDATE users SET totp_secret = $2 WHERE id = $1', [id, secret]);
  }

  async enableTwoFactor(id: string): Promise<void> {
    await this.dataSource.query('UPDATE users SET totp_enabled_at = now() WHERE id = $1', [id]);
  }

  async disableTwoFactor(id: string): Promise<void> {
    await this.dataSource.query('UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL WHERE id = $1', [id]);
  }

  async setPasswordHash(db: Db, id: string, passwordHash: string): Promise<void> {
    await db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [id, passwordHash]);
  }

  /** The account a recovery code may reset: under this username key, neither gone nor banned. */
  async recoverableId(key: string): Promise<string | undefined> {
    const rows: { id: string }[] = await this.dataSource.query('SELECT id FROM users WHERE username_key = $1 AND deleted_at IS NULL AND banned_at IS NULL', [key]);
    return rows[0]?.id;
  }

  /** A member who has not left, by id (`id` must be a well-formed uuid), with their name. */
  async findPresent(db: Db, id: string): Promise<{ id: string; username: string } | undefined> {
    const rows: { id: string; username: string }[] = await db.query(`SELECT id, username FROM users WHERE id = $1 AND deleted_at IS NULL`, [id]);
    return rows[0];
  }

  /**
   * Locks the member's row for the rest of the transaction (FOR NO KEY UPDATE, which does not block other tables'
   * foreign-key checks on it): serializes one member's writes that must not race each other.
   */
  async lockMember(em: EntityManager, id: string): Promise<void> {
    await em.query('SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE', [id]);
  }
}
