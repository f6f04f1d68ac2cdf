import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from './errors.js';

const sign = (secret: string, payload: string): string => createHmac('sha256', secret).update(`cursor:${payload}`).digest('base64url').slice(0, 16);

/** Opaque keyset cursors, signed so garbage or a tampered cursor is a clean 400, never a strange query. */
export function encodeCursor(secret: string, value: unknown): string {
  const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${payload}.${sign(secret, payload)}`;
}

export function decodeCursor<T>(secret: string, cursor: string | undefined, check: (v: unknown) => v is T): T | null {
  if (cursor === undefined || cursor === '') return null;
  const bad = () => new DomainError('INVALID_CURSOR', 'That cursor is not valid. Start again from the first page.');
  if (typeof cursor !== 'string' || cursor.length > 512) throw bad();
  const parts = cursor.split('.');
  if (parts.length !== 2) throw bad();
  const [payload, sig] = parts;
  if (!payload || !sig) throw bad();
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw bad();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!check(value)) throw bad();
  return value;
}
