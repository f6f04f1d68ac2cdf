import type { MigrationInterface, QueryRunner } from 'typeorm';

// the stories every member may see, as the read rule writes it (src/access/read-rule.ts storyPublic): the partial
// indexes below carry the same predicate, so a list that embeds the rule can be served from them
const PUBLIC = `status = 'published' AND NOT hidden AND deleted_at IS NULL`;

/**
 * Finding stories (issue 15): the lessons index, similar stories and the list of stories waiting for a first reply.
 *
 * - `answered`: a reply from someone other than the story's author is visible to members (published, not hidden,
 *   not deleted). Kept by the replies module where it keeps `reply_count` (the insert and `recountReplies`), so the
 *   "Waiting for a first reply" list is one partial index walked oldest first.
 * - `helped_count`: readers' `helped` reactions on the story plus the replies its author marked as having helped them
 *   most. A derived counter kept by triggers, like a generated column: whatever adds or removes a reaction or a
 *   highlight (the API, an erased account's cascade, a restore) keeps it right, and the lessons index sorts by one index.
 * - `lesson_search`: the "what I learned" part (weight A) and the title (B), searched like the stories' own `search`.
 * - pg_trgm, and a trigram index on titles: similar stories re-rank their full-text candidates by trigram similarity,
 *   and stories with a similar title are candidates even when no word stem matches.
 */
export class StoryDiscovery1764300017000 implements MigrationInterface {
  name = 'StoryDiscovery1764300017000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      ALTER TABLE threads ADD COLUMN answered boolean NOT NULL DEFAULT false;
      ALTER TABLE threads ADD COLUMN helped_count int NOT NULL DEFAULT 0 CHECK (helped_count >= 0);
      ALTER TABLE threads ADD COLUMN lesson_search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(learned_md, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(title, '')), 'B')
      ) STORED;

      UPDATE threads t SET answered = EXISTS (
        SELECT 1 FROM replies r
         WHERE r.thread_id = t.id AND r.author_id <> t.author_id
           AND r.status = 'published' AND NOT r.hidden AND r.deleted_at IS NULL);
      UPDATE threads t SET helped_count = (SELECT count(*) FROM thread_reactions x WHERE x.thread_id = t.id AND x.kind = 'helped');

      -- recounted rather than incremented: a restore that loads a story's count and then its reactions stays right
      CREATE FUNCTION threads_helped_count() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE story uuid;
      BEGIN
        IF TG_OP = 'DELETE' THEN story := OLD.thread_id; ELSE story := NEW.thread_id; END IF;
        UPDATE threads SET helped_count =
          (SELECT count(*) FROM thread_reactions x WHERE x.thread_id = story AND x.kind = 'helped') +
          (SELECT count(*) FROM reply_highlights h WHERE h.thread_id = story)
         WHERE id = story;
        RETURN NULL;
      END $$;
      CREATE TRIGGER thread_reactions_helped_added AFTER INSERT ON thread_reactions
        FOR EACH ROW WHEN (NEW.kind = 'helped') EXECUTE FUNCTION threads_helped_count();
      CREATE TRIGGER thread_reactions_helped_removed AFTER DELETE ON thread_reactions
        FOR EACH ROW WHEN (OLD.kind = 'helped') EXECUTE FUNCTION threads_helped_count();

      -- stories waiting for a first reply, oldest first
      CREATE INDEX threads_unanswered_idx ON threads (created_at, id) WHERE ${PUBLIC} AND NOT answered;
      -- the lessons index: stories with a "what I learned" part, by helped and by recency, and its search
      CREATE INDEX threads_lessons_helped_idx ON threads (helped_count DESC, id DESC) WHERE ${PUBLIC} AND learned_html <> '';
      CREATE INDEX threads_lessons_recent_idx ON threads (created_at DESC, id DESC) WHERE ${PUBLIC} AND learned_html <> '';
      CREATE INDEX threads_lesson_search_idx ON threads USING GIN (lesson_search) WHERE learned_html <> '';
      -- similar stories: titles by trigrams
      CREATE INDEX threads_title_trgm_idx ON threads USING GIN (lower(title) gin_trgm_ops);
    `);
    // the highlights of migration AuthorsArc count too
    await q.query(`
      UPDATE threads t SET helped_count = helped_count + (SELECT count(*) FROM reply_highlights h WHERE h.thread_id = t.id)
       WHERE EXISTS (SELECT 1 FROM reply_highlights h WHERE h.thread_id = t.id);
      CREATE TRIGGER reply_highlights_helped_count AFTER INSERT OR DELETE ON reply_highlights
        FOR EACH ROW EXECUTE FUNCTION threads_helped_count();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX threads_title_trgm_idx; DROP INDEX threads_lesson_search_idx; DROP INDEX threads_lessons_recent_idx;
      DROP INDEX threads_lessons_helped_idx; DROP INDEX threads_unanswered_idx;
      DROP TRIGGER reply_highlights_helped_count ON reply_highlights;
      DROP TRIGGER thread_reactions_helped_removed ON thread_reactions;
      DROP TRIGGER thread_reactions_helped_added ON thread_reactions;
      DROP FUNCTION threads_helped_count();
      ALTER TABLE threads DROP COLUMN lesson_search, DROP COLUMN helped_count, DROP COLUMN answered;
    `);
  }
}
