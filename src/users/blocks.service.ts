import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Viewer } from '../access/viewer.js';
import { invalid, notFound } from '../common/errors.js';
import { prepared, run } from '../database/prepared.js';
import { usernameKey } from './users.service.js';

const USERNAME = /^[A-Za-z0-9_]{3,32}$/;
// asked for every live reply by a named author (the fan-out leaves out those who blocked them)
const BLOCKERS_OF = prepared('blocks.blockers_of', 'SELECT blocker_id FROM blocks WHERE blocked_id = $1');

/**
 * A member hides another member's words from themselves. Blocking is private and quiet: the blocked member
 * is not told, and nothing of theirs is changed. Readers of replies and broadcasts ask `blockedIds`/`isBlocked`.
 */
@Injectable()
export class BlocksService {
  constructor(private readonly dataSource: DataSource) {}

  /** Idempotent: blocking someone already blocked changes nothing. */
  async block(viewer: Viewer, username: string): Promise<{ blocked: true }> {
    const targetId = await this.targetId(viewer, username, 'block');
    await this.dataSource.query('INSERT INTO blocks (blocker_id, blocked_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [viewer.id, targetId]);
    return { blocked: true };
  }

  /** Idempotent: unblocking someone not blocked changes nothing. */
  async unblock(viewer: Viewer, username: string): Promise<{ blocked: false }> {
    const targetId = await this.targetId(viewer, username, 'unblock');
    await this.dataSource.query('DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2', [viewer.id, targetId]);
    return { blocked: false };
  }

  /** The ids of everyone this member has blocked. */
  async blockedIds(userId: string): Promise<string[]> {
    const rows: { blocked_id: string }[] = await this.dataSource.query('SELECT blocked_id FROM blocks WHERE blocker_id = $1', [userId]);
    return rows.map((r) => r.blocked_id);
  }

  /** The ids of everyone who has blocked this member. */
  async blockersOf(userId: string): Promise<string[]> {
    const rows: { blocker_id: string }[] = await run(this.dataSource, BLOCKERS_OF, [userId]);
    return rows.map((r) => r.blocker_id);
  }

  async isBlocked(blockerId: string, blockedId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM blocks WHERE blocker_id = $1 AND blocked_id = $2', [blockerId, blockedId]);
    return rows.length > 0;
  }

  /** The members one has blocked, by name, for their export (src/privacy). */
  exportFor(userId: string): Promise<{ username: string; created_at: Date }[]> {
    return this.dataSource.query('SELECT u.username, b.created_at FROM blocks b JOIN users u ON u.id = b.blocked_id WHERE b.blocker_id = $1', [userId]);
  }

  /** In the transaction of a member leaving: their blocks go, both ways. */
  async eraseFor(em: EntityManager, userId: string): Promise<void> {
    await em.query(`DELETE FROM blocks WHERE blocker_id = $1 OR blocked_id = $1`, [userId]);
  }

  /** The member behind a username; a malformed or unknown name is simply not found. */
  private async targetId(viewer: Viewer, username: string, verb: 'block' | 'unblock'): Promise<string> {
    if (typeof username !== 'string' || !USERNAME.test(username)) throw notFound('That member');
    const rows: { id: string }[] = await this.dataSource.query('SELECT id FROM users WHERE username_key = $1', [usernameKey(username)]);
    const target = rows[0];
    if (!target) throw notFound('That member');
    if (target.id === viewer.id) throw invalid('username', `You cannot ${verb} yourself.`);
    return target.id;
  }
}
