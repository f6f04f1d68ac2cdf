import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Viewer } from '../access/viewer.js';
import type { Page } from '../contract/views.js';
import { DomainError, invalid, notFound } from '../common/errors.js';
import { UsersRepository } from '../users/users.repository.js';
import type { DraftView } from './draft.dto.js';

export const MAX_DRAFTS = 20;
export const MAX_DRAFT_BYTES = 64 * 1024;
const KEY = /^[A-Za-z0-9_-]{1,64}$/;
/** Drafts of replies: `reply-<threadId>` (DESIGN "Conversation"). */
const REPLY_PREFIX = 'reply-';

interface DraftRow {
  key: string;
  data: Record<string, unknown>;
  updated_at: Date;
}

const toDraftView = (r: DraftRow): DraftView => ({ key: r.key, data: r.data, updatedAt: new Date(r.updated_at).toISOString() });

/** True when any string in the value (object keys included) holds a NUL, which jsonb cannot store. */
function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => k.includes('\u0000') || containsNul(v));
  }
  return false;
}

/**
 * Work in progress, kept so that a closed tab never loses a story. Strictly per account: every query is
 * scoped by the viewer's id, so one member's keys never reach another's drafts.
 */
@Injectable()
export class DraftsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
  ) {}

  /** A member's drafts, every one, for their export (src/privacy). */
  exportFor(userId: string): Promise<{ key: string; data: unknown; updated_at: Date }[]> {
    return this.dataSource.query('SELECT key, data, updated_at FROM drafts WHERE user_id = $1 ORDER BY key', [userId]);
  }

  /** In the transaction of a member leaving: their drafts go. */
  async eraseFor(em: EntityManager, userId: string): Promise<void> {
    await em.query(`DELETE FROM drafts WHERE user_id = $1`, [userId]);
  }

  async list(viewer: Viewer): Promise<Page<DraftView>> {
    // at most MAX_DRAFTS rows exist per member, so one page holds them all
    const rows: DraftRow[] = await this.dataSource.query(
      'SELECT key, data, updated_at FROM drafts WHERE user_id = $1 ORDER BY updated_at DESC, key LIMIT $2',
      [viewer.id, MAX_DRAFTS],
    );
    return { items: rows.map(toDraftView), nextCursor: null };
  }

  async save(viewer: Viewer, key: string, data: Record<string, unknown>): Promise<DraftView> {
    checkKey(key);
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw invalid('data', 'data must be a JSON object');
    const json = JSON.stringify(data);
    if (Buffer.byteLength(json, 'utf8') > MAX_DRAFT_BYTES) {
      throw new DomainError('PAYLOAD_TOO_LARGE', 'This draft is too large to save (the limit is 64 KB). Please shorten it, or copy it somewhere safe.');
    }
    if (containsNul(data)) throw invalid('data', 'data must not contain NUL characters');

    const row = await this.dataSource.transaction(async (em) => {
      // serializes one member's concurrent saves, so the count below cannot be raced past the limit;
      // NO KEY UPDATE does not block other tables' foreign-key checks on the user row
      await this.users.lockMember(em, viewer.id);
      if (key.startsWith(REPLY_PREFIX)) {
        // a reply box autosaves in every story a member opens to answer: at the limit, a new reply draft takes the
        // place of the member's oldest reply draft, never of a story's
        await em.query(
          `DELETE FROM drafts
            WHERE user_id = $1
              AND key = (SELECT key FROM drafts WHERE user_id = $1 AND key LIKE 'reply-%' AND key <> $2 ORDER BY updated_at, key LIMIT 1)
              AND NOT EXISTS (SELECT 1 FROM drafts WHERE user_id = $1 AND key = $2)
              AND (SELECT count(*) FROM drafts WHERE user_id = $1) >= $3`,
          [viewer.id, key, MAX_DRAFTS],
        );
      }
      const saved: DraftRow[] = await em.query(
        `INSERT INTO drafts (user_id, key, data, updated_at)
         SELECT $1, $2, $3::text::jsonb, now()
          WHERE EXISTS (SELECT 1 FROM drafts WHERE user_id = $1 AND key = $2)
             OR (SELECT count(*) FROM drafts WHERE user_id = $1) < $4
         ON CONFLICT (user_id, key) DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at
         RETURNING key, data, updated_at`,
        [viewer.id, key, json, MAX_DRAFTS],
      );
      return saved[0];
    });
    if (!row) {
      throw new DomainError('CONFLICT', `You already have ${MAX_DRAFTS} drafts, the most Setback keeps. Please post or delete one to save another.`);
    }
    return toDraftView(row);
  }

  async remove(viewer: Viewer, key: string): Promise<void> {
    checkKey(key);
    const { affected } = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from('drafts')
      .where('user_id = :userId AND key = :key', { userId: viewer.id, key })
      .execute();
    if (!affected) throw notFound('That draft');
  }
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || !KEY.test(key)) throw invalid('key', 'key must be 1–64 characters: letters, digits, _ and - only');
}
