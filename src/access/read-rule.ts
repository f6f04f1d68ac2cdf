/**
 * The read rule: who may see a story and a reply. It is written once, here, as SQL fragments that every statement
 * reading stories or replies embeds (lists, reads, socket joins, catch-up, live fan-out, notifications, search,
 * profiles, counts), so TypeScript never re-decides it: a statement selects the rule's verdict as a column
 * (`readable`, `listed`, `public`, `blocked`) and the service acts on that column.
 *
 * `src/access/read-rule.spec.ts` pins the rule down as a table (viewer kind × story/reply state → visible or not),
 * evaluated by PostgreSQL itself; `test/read-rule.e2e.spec.ts` checks the same table through REST, socket joins and
 * notifications. Nothing else in src/ may compare `status`, `hidden` or `deleted_at` to decide visibility.
 *
 * Arguments are SQL: a table alias (`t`, `r`) and the expressions that carry the viewer's id and whether the viewer
 * reads as staff (e.g. `$1` and `$4::boolean`).
 */

/** The viewer, as SQL expressions bound by the statement. */
export interface ViewerSql {
  /** the viewer's user id (uuid); a nil uuid for "nobody in particular" */
  id: string;
  /** true when the viewer reads as staff (a moderator or admin meeting REQUIRE_STAFF_2FA) */
  staff: string;
}

/**
 * A block hides the blocked member's *named* posts from the blocker, never an anonymous one: if a block changed
 * anything about an anonymous post, blocking members one by one would reveal who wrote it.
 */
const blockedNamedAuthor = (authorId: string, named: string, viewerId: string): string =>
  `(${named} AND EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = ${viewerId} AND b.blocked_id = ${authorId}))`;

/** Nobody in particular: a broadcast to every member of a room, decided without anyone's own posts or blocks. */
export const NOBODY_SQL: ViewerSql = { id: `'00000000-0000-0000-0000-000000000000'::uuid`, staff: 'false' };

/** Hidden by a moderator or deleted: members see that it is gone, staff still see it. */
export const storyGone = (t: string): string => `(${t}.hidden OR ${t}.deleted_at IS NOT NULL)`;

/** A story every member may see: published, not hidden, not deleted. */
export const storyPublic = (t: string): string => `(${t}.status = 'published' AND NOT ${t}.hidden AND ${t}.deleted_at IS NULL)`;

/** The story is by a member the viewer blocked, and not anonymous. */
export const storyBlocked = (t: string, viewerId: string): string => blockedNamedAuthor(`${t}.author_id`, `NOT ${t}.anonymous`, viewerId);

/**
 * The viewer may open the story: staff always; otherwise it is not deleted or hidden, is published or their own,
 * and is not a named story of someone they blocked.
 */
export const storyReadable = (t: string, v: ViewerSql): string =>
  `(${v.staff} OR (${t}.deleted_at IS NULL AND NOT ${t}.hidden AND (${t}.status = 'published' OR ${t}.author_id = ${v.id}) AND NOT ${storyBlocked(t, v.id)}))`;

/** The viewer may reply to the story: they may open it and it is not gone (staff do not answer hidden stories either). */
export const storyAnswerable = (t: string, v: ViewerSql): string => `(${storyReadable(t, v)} AND NOT ${storyGone(t)})`;

/** The story appears in the viewer's lists (front page, category, search, profile): the same for staff as for members. */
export const storyListed = (t: string, viewerId: string): string => `(${storyPublic(t)} AND NOT ${storyBlocked(t, viewerId)})`;

/**
 * The reply is named: neither posted anonymously nor by the author of an anonymous story in their own story (who is
 * always shown under the story's pseudonym). `t` is the reply's story.
 */
export const replyNamed = (r: string, t: string): string => `(NOT ${r}.anonymous AND NOT (${t}.anonymous AND ${r}.author_id = ${t}.author_id))`;

/** Hidden by a moderator or deleted: members see a placeholder in its place. */
export const replyGone = (r: string): string => `(${r}.hidden OR ${r}.deleted_at IS NOT NULL)`;

/** A reply every member sees in full: published, not hidden, not deleted. */
export const replyPublic = (r: string): string => `(${r}.status = 'published' AND NOT ${r}.hidden AND ${r}.deleted_at IS NULL)`;

/**
 * The reply has a place in the story's list for this viewer: published replies for everyone (as placeholders when
 * deleted, hidden or blocked), held and rejected ones for their author and staff only.
 */
export const replyListed = (r: string, v: ViewerSql): string => `(${r}.status = 'published' OR ${r}.author_id = ${v.id} OR ${v.staff})`;

/** The reply is by a member the viewer blocked and is named: members see a placeholder instead of its words. */
export const replyBlocked = (r: string, t: string, viewerId: string): string => blockedNamedAuthor(`${r}.author_id`, replyNamed(r, t), viewerId);

/**
 * The viewer blocked the actor of a notification (who replied or reacted). `actorId` is null for an anonymous actor,
 * whose account is not even stored: a block never touches what an anonymous post causes.
 */
export const namedActorBlocked = (actorId: string, viewerId: string): string => blockedNamedAuthor(actorId, `${actorId} IS NOT NULL`, viewerId);

/**
 * Who reacted is named, unless they are the author of an anonymous story reacting in it: they always appear there
 * under the story's pseudonym (as `replyNamed` says of their replies). `t` is the story; `reactorId` the member.
 */
export const reactorNamed = (t: string, reactorId: string): string => `(NOT (${t}.anonymous AND ${t}.author_id = ${reactorId}))`;

/** A member's own published posts (for REVIEW_FIRST_POSTS: how many of their posts have been let through). */
export const published = (alias: string): string => `${alias}.status = 'published'`;
