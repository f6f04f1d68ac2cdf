import { createHash, randomInt } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no look-alikes (0/o, 1/l/i)
const COUNT = 8;

const normalize = (code: string): string => code.toLowerCase().replace(/[^a-z0-9]/g, '');
// codes carry ~59 bits of randomness and tries are rate-limited, so a fast salted hash is enough
export const hashRecoveryCode = (userId: string, code: string): string => createHash('sha256').update(`${userId}:${normalize(code)}`).digest('hex');

function newCode(): string {
  const chars = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
}

/** In the transaction of a member leaving: their codes go. */
export async function eraseRecoveryCodes(em: EntityManager, userId: string): Promise<void> {
  await em.query(`DELETE FROM recovery_codes WHERE user_id = $1`, [userId]);
}

/** Replaces every code of the member with 8 new ones, shown once; only their hashes are kept. */
export async function issueRecoveryCodes(em: EntityManager | DataSource, userId: string): Promise<string[]> {
  const codes = Array.from({ length: COUNT }, newCode);
  await em.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
  await em.query(
    `INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::text[])`,
    [userId, codes.map((c) => hashRecoveryCode(userId, c))],
  );
  return codes;
}

