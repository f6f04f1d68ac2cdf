import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** A member's own reactions, for their export and their leaving (src/privacy): the reactions module owns both tables. */
@Injectable()
export class ReactionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every reaction the member gave, to stories and to replies. */
  async exportFor(userId: string): Promise<{ threads: { thread_id: string; kind: string; created_at: Date }[]; replies: { reply_id: string; kind: string; created_at: Date }[] }> {
    const threads: { thread_id: string; kind: string; created_at: Date }[] = await this.dataSource.query('SELECT thread_id, kind, created_at FROM thread_reactions WHERE user_id = $1', [userId]);
    const replies: { reply_id: string; kind: string; created_at: Date }[] = await this.dataSource.query(
      'SELECT reply_id::text AS reply_id, kind, created_at FROM reply_reactions WHERE user_id = $1',
      [userId],
    );
    return { threads, replies };
  }

  /** Whether the member's reaction of this kind is still there (given and not taken back since). */
  async has(em: EntityManager, targetType: 'thread' | 'reply', targetId: string, userId: string, kind: string): Promise<boolean> {
    const rows: unknown[] = await em.query(
      targetType === 'thread'
        ? `SELECT 1 FROM thread_reactions WHERE thread_id = $1 AND user_id = $2 AND kind = $3`
        : `SELECT 1 FROM reply_reactions WHERE reply_id = $1::bigint AND user_id = $2 AND kind = $3`,
      [targetId, userId, kind],
    );
    return rows.length > 0;
  }

  /** In the transaction of a member erasing their account: every reaction they gave goes. */
  async eraseFor(em: EntityManager, userId: string): Promise<void> {
    await em.query(`DELETE FROM thread_reactions WHERE user_id = $1`, [userId]);
    await em.query(`DELETE FROM reply_reactions WHERE user_id = $1`, [userId]);
  }
}
