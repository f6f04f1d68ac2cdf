import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications people can act on (issue 16, item 2): each names who caused it (a named member by account, an
 * anonymous post by its pseudonym only: the account behind it is never stored) and carries a short plain-text
 * excerpt, computed on write. Replies and reactions to the same story are grouped: one row per member, story and
 * kind while it is unread (`grouped`, held to one by a unique partial index, so two replies at once cannot open two
 * groups), with one `notification_items` row per reply or reaction in it, so a group can shrink when one of them is
 * hidden or removed. `first_at` is when a group was opened: reactions open at most one group per story an hour.
 */
export class NotificationGroups1764300019000 implements MigrationInterface {
  name = 'NotificationGroups1764300019000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE notifications
        ADD COLUMN actor_pseudonym text,
        ADD COLUMN excerpt text,
        ADD COLUMN grouped boolean NOT NULL DEFAULT false,
        ADD COLUMN first_at timestamptz NOT NULL DEFAULT now();
      -- at most one open (unread) group per member, story and kind: the upsert's conflict target
      CREATE UNIQUE INDEX notifications_open_group_idx ON notifications (user_id, thread_id, kind) WHERE grouped AND read_at IS NULL;
      -- finding a member's recent reaction group of a story, and withdrawing what a story caused
      CREATE INDEX notifications_thread_idx ON notifications (thread_id, user_id) WHERE thread_id IS NOT NULL;

      CREATE TABLE notification_items (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        notification_id uuid NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
        -- the reply written (a reply group) or the reply reacted to (a reaction group; null: the story itself)
        reply_id bigint REFERENCES replies (id) ON DELETE CASCADE,
        reaction text CHECK (reaction IN ('relate', 'thanks', 'helped')),
        -- who: 'u:<account>' for a named actor, 'p:<pseudonym>' for an anonymous one (no account stored)
        actor_key text NOT NULL,
        actor_id uuid REFERENCES users (id) ON DELETE CASCADE,
        actor_pseudonym text,
        excerpt text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((actor_id IS NULL) <> (actor_pseudonym IS NULL))
      );
      CREATE INDEX notification_items_group_idx ON notification_items (notification_id, created_at DESC);
      CREATE INDEX notification_items_reply_idx ON notification_items (reply_id) WHERE reply_id IS NOT NULL;
      -- one reaction of one kind by one person on one post counts once in a group (taking it back and again adds nothing)
      CREATE UNIQUE INDEX notification_items_reaction_idx ON notification_items (notification_id, actor_key, coalesce(reply_id, 0), reaction) WHERE reaction IS NOT NULL;
    `);
    await this.setKinds(q, (kinds) => [...kinds.filter((k) => k !== 'reaction'), 'reaction']);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notifications WHERE kind = 'reaction'`);
    await this.setKinds(q, (kinds) => kinds.filter((k) => k !== 'reaction'));
    await q.query(`
      DROP TABLE notification_items;
      DROP INDEX notifications_thread_idx;
      DROP INDEX notifications_open_group_idx;
      ALTER TABLE notifications DROP COLUMN first_at, DROP COLUMN grouped, DROP COLUMN excerpt, DROP COLUMN actor_pseudonym;
    `);
  }

  /** Rewrites the CHECK on notifications.kind from the list it holds now, so the kinds other migrations added stay. */
  private async setKinds(q: QueryRunner, change: (kinds: string[]) => string[]): Promise<void> {
    const [check]: { def: string }[] = await q.query(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'notifications'::regclass AND conname = 'notifications_kind_check'`,
    );
    const kinds = change([...(check?.def ?? '').matchAll(/'([a-z_]+)'/g)].map((m) => m[1]));
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT IF EXISTS notifications_kind_check`);
    await q.query(`ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (${kinds.map((k) => `'${k}'`).join(', ')}))`);
  }
}
