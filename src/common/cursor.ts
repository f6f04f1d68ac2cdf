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

/**
 * A keyset page from `limit + 1` rows: the first `limit` as views, and a cursor after the last of them when the extra
 * row shows there is more.
 */
export function keysetPage<R, V>(secret: string, rows: R[], limit: number, view: (r: R) => V, key: (r: R) => unknown): { items: V[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(view), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(secret, key(last)) : null };
}
