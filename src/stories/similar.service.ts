import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Viewer } from '../access/viewer.js';
import { storyListed } from '../access/read-rule.js';
import { DomainError } from '../common/errors.js';
import type { SimilarStoriesView } from '../contract/views.js';
import { prepared, run } from '../database/prepared.js';
import { SecretsService } from '../database/secrets.service.js';
import { SIMILAR_TEXT_MAX } from './discovery.dto.js';
import { LIST_COLUMNS, StoriesService } from './stories.service.js';
import { ThreadListRow, toThreadListItem } from './thread.views.js';

/** Bounds of the search: how many of the text's word stems are ORed, and how many stories each stage looks at. */
export const SIMILAR_BOUNDS = { lexemes: 16, commonLexemes: 2, matches: 200, ranked: 20, titles: 20, compared: 150 } as const;
/**
 * A word stem in more than this share of all stories (PostgreSQL's own statistics) is left out while rarer ones remain;
 * a text of nothing but such stems keeps only its `commonLexemes` least common (each one's match list is most stories).
 */
const COMMON_SHARE = 0.1;

/**
 * Similar stories, in one statement ($1 viewer, $2 the text, $3 its title part, $4 a story to leave out, $5 how many):
 *  1. the text's word stems (english, as the stories' `search` holds them), rarest first by the planner's statistics
 *     (read once per call: `common` is materialized), at most `lexemes` (`commonLexemes` when none is rare), ORed;
 *  2. full-text candidates: at most `matches` stories that match any stem, the `ranked` best of them by ts_rank;
 *  3. trigram candidates: at most `titles` stories whose title is trigram-similar to the text's title part (GIN index);
 *  4. both re-ranked by trigram similarity of title and first part against the text.
 * Every stage is bounded, and every candidate passes the read rule's `storyListed` and is not the viewer's own.
 */
const SIMILAR = prepared(
  'threads.similar',
  `WITH common AS MATERIALIZED (
     SELECT e.w, e.f
       FROM pg_stats s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(w, f)
      WHERE s.schemaname = current_schema() AND s.tablename = 'threads' AND s.attname = 'search'
   ), lexemes AS MATERIALIZED (
     SELECT l, coalesce(max(c.f), 0) AS f
       FROM unnest(tsvector_to_array(to_tsvector('english', $2::text))) AS l LEFT JOIN common c ON c.w = l
      WHERE length(l) BETWEEN 3 AND 40 AND l ~ '^[[:alnum:]]+$'
      GROUP BY l
   ), picked AS (
     SELECT l FROM (SELECT l, f, row_number() OVER (ORDER BY f, length(l) DESC, l) AS n FROM lexemes) x
      WHERE (f <= ${COMMON_SHARE} AND n <= ${SIMILAR_BOUNDS.lexemes})
         OR (n <= ${SIMILAR_BOUNDS.commonLexemes} AND NOT EXISTS (SELECT 1 FROM lexemes y WHERE y.f <= ${COMMON_SHARE}))
   ), matched AS (
     SELECT t.id, t.search FROM threads t
      WHERE t.search @@ (SELECT to_tsquery('simple', string_agg(l, ' | ')) FROM picked)
        AND ${storyListed('t', '$1')} AND t.author_id <> $1 AND t.id <> $4::uuid
      LIMIT ${SIMILAR_BOUNDS.matches}
   ), ranked AS (
     SELECT m.id FROM matched m
      ORDER BY ts_rank(m.search, (SELECT to_tsquery('simple', string_agg(l, ' | ')) FROM picked)) DESC, m.id
      LIMIT ${SIMILAR_BOUNDS.ranked}
   ), titled AS (
     SELECT t.id FROM threads t
      WHERE lower(t.title) % lower($3::text)
        AND ${storyListed('t', '$1')} AND t.author_id <> $1 AND t.id <> $4::uuid
      LIMIT ${SIMILAR_BOUNDS.titles}
   )
   SELECT ${LIST_COLUMNS},
          similarity(lower(t.title || ' ' || left(t.happened_md, ${SIMILAR_BOUNDS.compared})), lower(left($2::text, ${SIMILAR_BOUNDS.compared + 150}))) AS score
     FROM threads t JOIN users u ON u.id = t.author_id
    WHERE t.id IN (SELECT id FROM ranked UNION SELECT id FROM titled)
    ORDER BY score DESC, t.id
    LIMIT $5`,
);

const NO_STORY = '00000000-0000-0000-0000-000000000000';

@Injectable()
export class SimilarService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretsService,
    private readonly stories: StoriesService,
  ) {}

  /** While composing: `text` is the title, then the first part (the first line is taken as the title). */
  async forText(viewer: Viewer, text: string, limit = 5): Promise<SimilarStoriesView> {
    const trimmed = text.trim();
    if (!trimmed) throw new DomainError('VALIDATION_FAILED', 'Write a few words first.', { errors: [{ field: 'text', message: 'text must not be empty' }] });
    const title = trimmed.split('\n', 1)[0].slice(0, 150);
    return this.find(viewer, trimmed.slice(0, SIMILAR_TEXT_MAX), title, NO_STORY, limit);
  }

  /** Under a story: stories like it (404 when the viewer may not read it). */
  async forStory(viewer: Viewer, id: string, limit = 5): Promise<SimilarStoriesView> {
    const t = await this.stories.loadReadable(viewer, id);
    const text = `${t.title}\n\n${t.happened_md}`.slice(0, SIMILAR_TEXT_MAX);
    return this.find(viewer, text, t.title, t.id, limit);
  }

  private async find(viewer: Viewer, text: string, title: string, leaveOut: string, limit: number): Promise<SimilarStoriesView> {
    const rows: ThreadListRow[] = await run(this.dataSource, SIMILAR, [viewer.id, text, title, leaveOut, limit]);
    return { items: rows.map((r) => toThreadListItem(r, this.secrets.appSecret)) };
  }
}
