import type { MigrationInterface, QueryRunner } from 'typeorm';

const CATEGORIES: [string, string, string][] = [
  ['work', 'Work & career', 'Jobs lost or never landed, projects that failed, careers that took a turn.'],
  ['school', 'School & learning', 'Exams, courses, degrees and the things we tried to learn.'],
  ['relationships', 'Relationships', 'Friends, family, partners: the ones that hurt and what they taught us.'],
  ['health', 'Health', 'Body and mind: setbacks in health and how we lived with them.'],
  ['money', 'Money', 'Debts, bad bets, money mistakes and getting back on our feet.'],
  ['creative', 'Creative work', 'Books, art, music and other work that did not land.'],
  ['business', 'Business & startups', 'Companies that closed, launches that flopped, deals that fell through.'],
  ['everyday', 'Everyday life', 'Small and big everyday failures that still matter.'],
];

export class Stories1764300001000 implements MigrationInterface {
  name = 'Stories1764300001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE categories (
        slug text PRIMARY KEY,
        name text NOT NULL,
        description text NOT NULL,
        position int NOT NULL
      );
      CREATE TABLE threads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        author_id uuid NOT NULL REFERENCES users(id),
        anonymous boolean NOT NULL DEFAULT false,
        category text NOT NULL REFERENCES categories(slug) ON UPDATE CASCADE,
        title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 300),
        happened_md text NOT NULL,
        happened_html text NOT NULL,
        handled_md text NOT NULL DEFAULT '',
        handled_html text NOT NULL DEFAULT '',
        learned_md text NOT NULL DEFAULT '',
        learned_html text NOT NULL DEFAULT '',
        excerpt text NOT NULL DEFAULT '',
        content_warning text,
        status text NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'pending', 'rejected')),
        locked boolean NOT NULL DEFAULT false,
        pinned boolean NOT NULL DEFAULT false,
        hidden boolean NOT NULL DEFAULT false,
        paused boolean NOT NULL DEFAULT false,
        slow_mode_seconds int NOT NULL DEFAULT 0 CHECK (slow_mode_seconds >= 0),
        reply_count int NOT NULL DEFAULT 0 CHECK (reply_count >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        edited_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_activity_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        search tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
          setweight(to_tsvector('english', coalesce(happened_md, '') || ' ' || coalesce(handled_md, '') || ' ' || coalesce(learned_md, '')), 'B')
        ) STORED
      );
      -- the front page and category pages: visible stories, pinned first, then by last activity
      CREATE INDEX threads_list_idx ON threads (pinned DESC, last_activity_at DESC, id DESC)
        WHERE deleted_at IS NULL AND hidden = false AND status = 'published';
      CREATE INDEX threads_category_idx ON threads (category, pinned DESC, last_activity_at DESC, id DESC)
        WHERE deleted_at IS NULL AND hidden = false AND status = 'published';
      CREATE INDEX threads_author_idx ON threads (author_id, created_at DESC, id DESC);
      CREATE INDEX threads_search_idx ON threads USING GIN (search);

      CREATE SEQUENCE reply_id_seq;
      CREATE TABLE replies (
        id bigint PRIMARY KEY DEFAULT nextval('reply_id_seq'),
        thread_id uuid NOT NULL REFERENCES threads(id),
        author_id uuid NOT NULL REFERENCES users(id),
        anonymous boolean NOT NULL DEFAULT false,
        body_md text NOT NULL,
        body_html text NOT NULL,
        client_key text,
        status text NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'pending', 'rejected')),
        hidden boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        edited_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      );
      ALTER SEQUENCE reply_id_seq OWNED BY replies.id;
      CREATE INDEX replies_thread_idx ON replies (thread_id, id);
      CREATE INDEX replies_changed_idx ON replies (thread_id, updated_at);
      CREATE INDEX replies_author_idx ON replies (author_id, id);
      -- a retried POST with the same clientKey creates nothing, even when the two requests race
      CREATE UNIQUE INDEX replies_client_key_idx ON replies (thread_id, author_id, client_key) WHERE client_key IS NOT NULL;

      CREATE TABLE revisions (
        id bigserial PRIMARY KEY,
        target_type text NOT NULL CHECK (target_type IN ('thread', 'reply')),
        target_id text NOT NULL,
        editor_id uuid NOT NULL REFERENCES users(id),
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX revisions_target_idx ON revisions (target_type, target_id, id);

      CREATE TABLE thread_reactions (
        thread_id uuid NOT NULL REFERENCES threads(id),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('relate', 'thanks', 'helped')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (thread_id, user_id, kind)
      );
      CREATE TABLE reply_reactions (
        reply_id bigint NOT NULL REFERENCES replies(id),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('relate', 'thanks', 'helped')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (reply_id, user_id, kind)
      );

      CREATE TABLE blocks (
        blocker_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        blocked_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (blocker_id, blocked_id),
        CHECK (blocker_id <> blocked_id)
      );
      CREATE INDEX blocks_blocked_idx ON blocks (blocked_id);

      CREATE TABLE drafts (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        key text NOT NULL,
        data jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      );
    `);
    for (const [i, [slug, name, description]] of CATEGORIES.entries()) {
      await q.query('INSERT INTO categories (slug, name, description, position) VALUES ($1, $2, $3, $4)', [slug, name, description, i]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE drafts; DROP TABLE blocks; DROP TABLE reply_reactions; DROP TABLE thread_reactions;
      DROP TABLE revisions; DROP TABLE replies; DROP TABLE threads; DROP TABLE categories;
    `);
  }
}
