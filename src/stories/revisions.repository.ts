import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/**
 * The earlier versions of stories and replies (`revisions`). The stories module owns the table, being the lower of the
 * two modules whose posts it keeps (docs/ownership.md).
 */
@Injectable()
export class RevisionsRepository {
  /** In the transaction of a member erasing their account: the earlier versions they wrote go with the text. */
  async eraseBy(em: EntityManager, editorId: string): Promise<void> {
    await em.query(`DELETE FROM revisions WHERE editor_id = $1`, [editorId]);
  }
}
