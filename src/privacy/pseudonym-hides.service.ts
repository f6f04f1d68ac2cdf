import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { replyListed, replyNamed } from '../access/read-rule.js';
import type { Viewer } from '../access/viewer.js';
import { isStaff } from '../access/viewer.js';
import { notFound } from '../common/errors.js';
import { pseudonym } from '../common/pseudonym.js';
import { SecretsService } from '../database/secrets.service.js';
import { StoriesService } from '../stories/stories.service.js';

const MAX_PER_STORY = 50;

/**
 * "Hide this pseudonym in this story": what a member can do about anonymous posts instead of blocking, since a
 * block never touches them. Stored per member and story, keyed to the pseudonym the member sees; the client
 * folds those posts away (and offers to show them again). Nothing about the account behind it is used or told.
 */
@Injectable()
export class PseudonymHidesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly stories: StoriesService,
    private readonly secrets: SecretsService,
  ) {}

  async list(viewer: Viewer, threadId: string): Promise<{ pseudonyms: string[] }> {
    const t = await this.stories.loadReadable(viewer, threadId);
    const rows: { pseudonym: string }[] = await this.dataSource.query('SELECT pseudonym FROM pseudonym_hides WHERE user_id = $1 AND thread_id = $2 ORDER BY created_at', [
      viewer.id,
      t.id,
    ]);
    return { pseudonyms: rows.map((r) => r.pseudonym) };
  }

  /** Idempotent. Only a pseudonym this member can see in this story can be hidden (404 otherwise). */
  async set(viewer: Viewer, threadId: string, name: string, hidden: boolean): Promise<{ pseudonyms: string[] }> {
    const t = await this.stories.loadReadable(viewer, threadId);
    if (hidden) {
      if (typeof name !== 'string' || name.length > 64 || !(await this.shownIn(viewer, t.id)).has(name)) throw notFound('That pseudonym in this story');
      await this.dataSource.query(
        `INSERT INTO pseudonym_hides (user_id, thread_id, pseudonym)
         SELECT $1, $2, $3 WHERE (SELECT count(*) FROM pseudonym_hides WHERE user_id = $1 AND thread_id = $2) < ${MAX_PER_STORY}
         ON CONFLICT DO NOTHING`,
        [viewer.id, t.id, name],
      );
    } else {
      await this.dataSource.query('DELETE FROM pseudonym_hides WHERE user_id = $1 AND thread_id = $2 AND pseudonym = $3', [viewer.id, t.id, String(name).slice(0, 64)]);
    }
    return this.list(viewer, t.id);
  }

  /** The pseudonyms this viewer can see in a story: its author's if anonymous, and those of anonymous replies listed for them. */
  private async shownIn(viewer: Viewer, threadId: string): Promise<Set<string>> {
    const rows: { author_id: string }[] = await this.dataSource.query(
      `SELECT t.author_id FROM threads t WHERE t.id = $1 AND t.anonymous
       UNION
       SELECT DISTINCT r.author_id FROM replies r JOIN threads t ON t.id = r.thread_id
        WHERE r.thread_id = $1 AND NOT ${replyNamed('r', 't')} AND ${replyListed('r', { id: '$2', staff: '$3::boolean' })}`,
      [threadId, viewer.id, isStaff(viewer)],
    );
    return new Set(rows.map((r) => pseudonym(this.secrets.appSecret, threadId, r.author_id)));
  }
}
