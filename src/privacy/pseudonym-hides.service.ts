import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Viewer } from '../access/viewer.js';
import { isStaff } from '../access/viewer.js';
import { notFound } from '../common/errors.js';
import { pseudonym } from '../common/pseudonym.js';
import { SecretsService } from '../database/secrets.service.js';
import { RepliesRepository } from '../replies/replies.repository.js';
import { StoriesService } from '../stories/stories.service.js';
import { ThreadsRepository } from '../stories/threads.repository.js';

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
    private readonly threads: ThreadsRepository,
    private readonly replies: RepliesRepository,
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
    const storyAuthor = await this.threads.anonymousAuthorOf(threadId);
    const repliers = await this.replies.anonymousRepliersListed(threadId, viewer.id, isStaff(viewer));
    return new Set([...(storyAuthor ? [storyAuthor] : []), ...repliers].map((id) => pseudonym(this.secrets.appSecret, threadId, id)));
  }
}
