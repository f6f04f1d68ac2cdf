import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../contract/views.js';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  username: string;

  /** NFKC + lower case: usernames are unique whatever their case. */
  @Column('text', { name: 'username_key', unique: true })
  usernameKey: string;

  /** What the name looks like (usernameSkeleton): unique, so no one can pass for someone else. */
  @Column('text', { name: 'username_skeleton' }) // unique: users_username_skeleton_idx
  usernameSkeleton: string;

  @Column('text', { name: 'password_hash' })
  passwordHash: string;

  @Column('text', { default: 'member' })
  role: Role;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'suspended_until', nullable: true })
  suspendedUntil: Date | null;

  @Column('timestamptz', { name: 'banned_at', nullable: true })
  bannedAt: Date | null;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt: Date | null;

  @Column('timestamptz', { name: 'break_until', nullable: true })
  breakUntil: Date | null;

  @Column('text', { name: 'totp_secret', nullable: true, select: false })
  totpSecret: string | null;

  @Column('timestamptz', { name: 'totp_enabled_at', nullable: true })
  totpEnabledAt: Date | null;

  /** the last accepted two-factor time step: a code is good for one sign-in only (migration TotpReplay) */
  @Column('bigint', { name: 'totp_last_step', nullable: true, select: false })
  totpLastStep: string | null;
}
