import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/**
 * The earlier versions of stories and replies (`revisions`). The stories module owns the table, being the lower of the
 * two modules whose posts it keeps (docs/ownership.md).
 */
@Injectable()
export class RevisionsRepository {
  /** In the edit's transaction: what the story or reply said before it (`data` as the export shows it). */
  async keep(em: EntityManager, targetType: 'thread' | 'reply', targetId: string, editorId: string, data: Record<string, string | null>): Promise<void> {
    await em.query(`INSERT INTO revisions (target_type, target_id, editor_id, data) VALUES ($1, $2, $3, $4)`, [targetType, targetId, editorId, JSON.stringify(data)]);
  }

  /** In the transaction of a member erasing their account: the earlier versions they wrote go with the text. */
  async eraseBy(em: EntityManager, editorId: string): Promise<void> {
    await em.query(`DELETE FROM revisions WHERE editor_id = $1`, [editorId]);
  }
}
