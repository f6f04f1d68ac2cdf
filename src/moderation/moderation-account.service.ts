import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** The moderation module's part of a member leaving (src/privacy): it owns `reports` and `moderation_log`. */
@Injectable()
export class ModerationAccountService {
  /** Erasing an account: the member's reports stay (moderators' decisions rest on them), without their notes or their name. */
  async forgetReporter(em: EntityManager, userId: string): Promise<void> {
    await em.query(`UPDATE reports SET note = NULL WHERE reporter_id = $1`, [userId]);
    await em.query(`UPDATE reports SET reporter_id = NULL WHERE reporter_id = $1`, [userId]);
  }

  /** The log's record that a member left (anonymize or erase), by nobody, without content and without a subject. */
  async logLeaving(em: EntityManager, userId: string, mode: 'anonymize' | 'erase'): Promise<void> {
    await em.query(`INSERT INTO moderation_log (actor_id, action, target_type, target_id) VALUES (NULL, $2, 'user', $1)`, [userId, `account.${mode}`]);
  }
}
