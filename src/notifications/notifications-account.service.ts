import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * The notifications module's part of a member's own account (src/privacy): the stories they muted, their
 * notifications in their export, and both erased when they leave. The module owns `notifications` and `thread_mutes`.
 */
@Injectable()
export class NotificationsAccountService {
  constructor(private readonly dataSource: DataSource) {}

  /** Mutes or unmutes a story for the member (idempotent); the caller checked they may read it. */
  async setMuted(userId: string, threadId: string, on: boolean): Promise<void> {
    if (on) await this.dataSource.query('INSERT INTO thread_mutes (user_id, thread_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [userId, threadId]);
    else await this.dataSource.query('DELETE FROM thread_mutes WHERE user_id = $1 AND thread_id = $2', [userId, threadId]);
  }

  /** The member's notifications and muted stories, for their export. */
  async exportFor(userId: string): Promise<{
    notifications: { kind: string; thread_id: string | null; reply_id: string | null; text: string; read_at: Date | null; created_at: Date }[];
    mutes: { thread_id: string }[];
  }> {
    const notifications = await this.dataSource.query(
      'SELECT kind, thread_id, reply_id::text AS reply_id, text, read_at, created_at FROM notifications WHERE user_id = $1 ORDER BY created_at',
      [userId],
    );
    const mutes = await this.dataSource.query('SELECT thread_id FROM thread_mutes WHERE user_id = $1', [userId]);
    return { notifications, mutes };
  }

  /** In the transaction of a member leaving: their notifications and mutes go. */
  async eraseFor(em: EntityManager, userId: string): Promise<void> {
    await em.query(`DELETE FROM notifications WHERE user_id = $1`, [userId]);
    await em.query(`DELETE FROM thread_mutes WHERE user_id = $1`, [userId]);
  }
}
