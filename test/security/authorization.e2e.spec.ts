import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Member, registerMember, setRole, startApp, TestApp } from '../support/app.js';
import { AttackTally, errorShapeProblem, freshCookie, insertUser, Method, send, SECURITY_ENV } from './helpers.js';

/*
 * Who may call what: every route of the API × every kind of caller, with the status each must get.
 *
 *   visitor    no session
 *   member     a signed-in member with no part in the target
 *   author     the member who wrote the target story and reply (or whose profile / account it is)
 *   other      another member, who wrote nothing of the target (as `member`; a second account, to be sure)
 *   suspended  a suspended member: may read (2xx) and sign out; every other write is 403 ACCOUNT_SUSPENDED
 *   banned     a banned member's old cookie: the ban revoked every session, so 401 (or as a visitor on public routes)
 *   moderator  staff; 403 on admin-only routes and on members' own content
 *   admin      everything moderators may do, and roles
 *
 * The error code is implied by the status: 401 UNAUTHENTICATED, 403 FORBIDDEN (ACCOUNT_SUSPENDED for a suspended
 * member's write, ACCOUNT_BANNED when a banned member signs in), 400 VALIDATION_FAILED — unless the row says
 * otherwise below. Every write target is made fresh for each cell, so cells never depend on one another.
 */
const TABLE = `
  route                                          visitor member author other suspended banned moderator admin
  GET    /api/health                               200    200    200    200     200      200     200     200
  GET    /api/health/ready                         200    200    200    200     200      200     200     200
  GET    /api/docs                                 200    200    200    200     200      200     200     200
  GET    /api/metrics                              200    200    200    200     200      200     200     200
  GET    /api/guidelines                           200    200    200    200     200      200     200     200
  GET    /api/privacy                              200    200    200    200     200      200     200     200
  POST   /api/auth/register                        201    201    201    201     403      201     201     201
  POST   /api/auth/login                           200    200    200    200     403      403     200     200
  POST   /api/auth/logout                          401    204    204    204     204      401     204     204
  POST   /api/auth/logout-all                      401    204    204    204     204      401     204     204
  POST   /api/auth/password                        401    204    204    204     204      401     204     204
  POST   /api/auth/recover                         401    401    401    401     403      401     401     401
  POST   /api/auth/recovery-codes                  401    200    200    200     200      401     200     200
  POST   /api/auth/2fa/setup                       401    200    200    200     200      401     200     200
  POST   /api/auth/2fa/enable                      401    401    401    401     401      401     401     401
  POST   /api/auth/2fa/disable                     401    200    200    200     200      401     200     200
  GET    /api/auth/me                              401    200    200    200     200      401     200     200
  GET    /api/me/export                            401    200    200    200     200      401     200     200
  DELETE /api/me                                   401    400    400    400     400      401     400     400
  POST   /api/me/break                             401    200    200    200     200      401     200     200
  DELETE /api/me/break                             401    200    200    200     200      401     200     200
  GET    /api/categories                           401    200    200    200     200      401     200     200
  GET    /api/threads                              401    200    200    200     200      401     200     200
  POST   /api/threads                              401    201    201    201     403      401     201     201
  GET    /api/threads/{id}                         401    200    200    200     200      401     200     200
  PATCH  /api/threads/{id}                         401    403    200    403     403      401     403     403
  DELETE /api/threads/{id}                         401    403    204    403     403      401     403     403
  POST   /api/threads/{id}/pause                   401    403    200    403     403      401     200     200
  POST   /api/threads/{id}/resume                  401    403    200    403     403      401     200     200
  PUT    /api/threads/{id}/mute                    401    200    200    200     200      401     200     200
  DELETE /api/threads/{id}/mute                    401    200    200    200     200      401     200     200
  GET    /api/threads/{id}/hidden-pseudonyms       401    200    200    200     200      401     200     200
  PUT    /api/threads/{id}/hidden-pseudonyms/{pseudonym} 401 404  404    404     404      401     404     404
  DELETE /api/threads/{id}/hidden-pseudonyms/{pseudonym} 401 200  200    200     200      401     200     200
  PUT    /api/threads/{id}/reactions/{kind}        401    200    200    200     403      401     200     200
  DELETE /api/threads/{id}/reactions/{kind}        401    200    200    200     403      401     200     200
  GET    /api/threads/{id}/replies                 401    200    200    200     200      401     200     200
  POST   /api/threads/{id}/replies                 401    201    201    201     403      401     201     201
  PATCH  /api/replies/{id}                         401    403    200    403     403      401     403     403
  DELETE /api/replies/{id}                         401    403    204    403     403      401     403     403
  PUT    /api/replies/{id}/reactions/{kind}        401    200    200    200     403      401     200     200
  DELETE /api/replies/{id}/reactions/{kind}        401    200    200    200     403      401     200     200
  POST   /api/reports                              401    201    201    201     403      401     201     201
  GET    /api/notifications                        401    200    200    200     200      401     200     200
  POST   /api/notifications/read                   401    200    200    200     403      401     200     200
  GET    /api/users/{username}                     401    200    200    200     200      401     200     200
  PUT    /api/users/{username}/block               401    200    400    200     403      401     200     200
  DELETE /api/users/{username}/block               401    200    400    200     403      401     200     200
  GET    /api/drafts                               401    200    200    200     200      401     200     200
  PUT    /api/drafts/{key}                         401    200    200    200     403      401     200     200
  DELETE /api/drafts/{key}                         401    204    204    204     403      401     204     204
  POST   /api/safety/check                         401    200    200    200     200      401     200     200
  POST   /api/preview                              401    200    200    200     200      401     200     200
  GET    /api/mod/queue                            401    403    403    403     403      401     200     200
  POST   /api/mod/queue/{id}/approve               401    403    403    403     403      401     200     200
  POST   /api/mod/queue/{id}/reject                401    403    403    403     403      401     200     200
  GET    /api/mod/reports                          401    403    403    403     403      401     200     200
  POST   /api/mod/reports/{id}/resolve             401    403    403    403     403      401     200     200
  POST   /api/mod/threads/{id}/lock                401    403    403    403     403      401     200     200
  POST   /api/mod/threads/{id}/unlock              401    403    403    403     403      401     200     200
  POST   /api/mod/threads/{id}/pin                 401    403    403    403     403      401     200     200
  POST   /api/mod/threads/{id}/unpin               401    403    403    403     403      401     200     200
  POST   /api/mod/threads/{id}/hide                401    403    403    403     403      401     200     200
  POST   /api/mod/threads/{id}/unhide              401    403    403    403     403      401     200     200
  POST   /api/mod/threads/{id}/restore             401    403    403    403     403      401     200     200
  PATCH  /api/mod/threads/{id}                     401    403    403    403     403      401     200     200
  POST   /api/mod/replies/{id}/hide                401    403    403    403     403      401     200     200
  POST   /api/mod/replies/{id}/unhide              401    403    403    403     403      401     200     200
  POST   /api/mod/replies/{id}/restore             401    403    403    403     403      401     200     200
  GET    /api/mod/users/{id}                       401    403    403    403     403      401     200     200
  PATCH  /api/mod/users/{id}                       401    403    403    403     403      401     403     200
  POST   /api/mod/users/{id}/suspend               401    403    403    403     403      401     200     200
  POST   /api/mod/users/{id}/ban                   401    403    403    403     403      401     200     200
  POST   /api/mod/users/{id}/unban                 401    403    403    403     403      401     200     200
  POST   /api/mod/reveal                           401    403    403    403     403      401     200     200
  GET    /api/mod/log                              401    403    403    403     403      401     200     200
  GET    /api/mod/watched-words                    401    403    403    403     403      401     200     200
  POST   /api/mod/watched-words                    401    403    403    403     403      401     201     201
  DELETE /api/mod/watched-words/{id}               401    403    403    403     403      401     204     204
  GET    /api/mod/alerts                           401    403    403    403     403      401     200     200
  POST   /api/mod/alerts/{id}/done                 401    403    403    403     403      401     200     200
  GET    /api/safety/status                        200    200    200    200     200      200     200     200
  GET    /api/mod/duty                             401    403    403    403     403      401     200     200
  POST   /api/mod/duty                             401    403    403    403     403      401     200     200
  GET    /api/help                                 200    200    200    200     200      200     200     200
  GET    /api/me/support                           401    200    200    200     200      401     200     200
  POST   /api/me/support                           401    201    201    201     201      401     201     201
  GET    /api/mod/support                          401    403    403    403     403      401     200     200
  GET    /api/mod/support/{userId}                 401    403    403    403     403      401     200     200
  POST   /api/mod/support/{userId}                 401    403    403    403     403      401     201     201
  GET    /api/threads/similar                      401    200    200    200     200      401     200     200
  GET    /api/threads/{id}/similar                 401    200    200    200     200      401     200     200
  GET    /api/lessons                              401    200    200    200     200      401     200     200
  POST   /api/threads/{id}/replies/check           401    200    200    200     403      401     200     200
  POST   /api/threads/{id}/follow-ups              401    403    201    403     403      401     403     403
  PUT    /api/threads/{id}/reminder                401    403    200    403     403      401     403     403
  DELETE /api/threads/{id}/reminder                401    403    204    403     403      401     403     403
  PUT    /api/threads/{id}/highlights/{replyId}    401    403    200    403     403      401     403     403
  DELETE /api/threads/{id}/highlights/{replyId}    401    403    200    403     403      401     403     403
`;

const ACTORS = ['visitor', 'member', 'author', 'other', 'suspended', 'banned', 'moderator', 'admin'] as const;
type Actor = (typeof ACTORS)[number];

interface Row {
  route: string;
  method: Method;
  expected: number[];
}

function parseTable(text: string): Row[] {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  expect(lines[0].split(/\s+/).slice(1)).toEqual([...ACTORS]);
  return lines.slice(1).map((line) => {
    const [method, path, ...cells] = line.split(/\s+/);
    if (cells.length !== ACTORS.length || cells.some((c) => !/^\d{3}$/.test(c))) throw new Error(`malformed table row: ${line}`);
    return { route: `${method} ${path}`, method: method.toLowerCase() as Method, expected: cells.map(Number) };
  });
}

/** A caller, as one cell of the table sees it. */
interface Caller {
  actor: Actor;
  cookie: string | null;
  account: Member | null;
}

/** What a request targets, made fresh for each cell on first use. */
class Scene {
  private cache = new Map<string, Promise<unknown>>();

  constructor(
    private readonly t: TestApp,
    private readonly author: Member,
    private readonly reporter: Member,
  ) {}

  private once<T>(key: string, make: () => Promise<T>): Promise<T> {
    if (!this.cache.has(key)) this.cache.set(key, make());
    return this.cache.get(key) as Promise<T>;
  }

  story(): Promise<string> {
    return this.once('story', async () => {
      const rows: { id: string }[] = await this.t.db.dataSource.query(
        `INSERT INTO threads (author_id, category, title, happened_md, happened_html, excerpt)
         VALUES ($1, 'work', 'A story for the permission table', 'Something went wrong today.', '<p>Something went wrong today.</p>', 'Something went wrong today.')
         RETURNING id`,
        [this.author.id],
      );
      return rows[0].id;
    });
  }

  private insertReply(status: 'published' | 'pending'): Promise<string> {
    return this.story().then(async (threadId) => {
      const rows: { id: string }[] = await this.t.db.dataSource.query(
        `INSERT INTO replies (thread_id, author_id, body_md, body_html, status) VALUES ($1, $2, 'Hang in there.', '<p>Hang in there.</p>', $3) RETURNING id::text AS id`,
        [threadId, this.author.id, status],
      );
      if (status === 'published') await this.t.db.dataSource.query('UPDATE threads SET reply_count = reply_count + 1 WHERE id = $1', [threadId]);
      return rows[0].id;
    });
  }

  reply(): Promise<string> {
    return this.once('reply', () => this.insertReply('published'));
  }

  /** A published reply by someone other than the story's author (one the author may mark as "helped"). */
  othersReply(): Promise<string> {
    return this.once('othersReply', async () => {
      const threadId = await this.story();
      const rows: { id: string }[] = await this.t.db.dataSource.query(
        `INSERT INTO replies (thread_id, author_id, body_md, body_html, status) VALUES ($1, $2, 'This helped me.', '<p>This helped me.</p>', 'published') RETURNING id::text AS id`,
        [threadId, this.reporter.id],
      );
      await this.t.db.dataSource.query('UPDATE threads SET reply_count = reply_count + 1 WHERE id = $1', [threadId]);
      return rows[0].id;
    });
  }

  pendingReply(): Promise<string> {
    return this.once('pending', () => this.insertReply('pending'));
  }

  report(): Promise<string> {
    return this.once('report', async () => {
      const threadId = await this.story();
      const rows: { id: string }[] = await this.t.db.dataSource.query(
        `INSERT INTO reports (reporter_id, target_type, target_id, thread_id, reason) VALUES ($1, 'thread', $2, $3, 'spam') RETURNING id`,
        [this.reporter.id, threadId, threadId],
      );
      return rows[0].id;
    });
  }

  victim(): Promise<string> {
    return this.once('victim', async () => (await insertUser(this.t, 'victim')).id);
  }

  alert(): Promise<string> {
    return this.once('alert', async () => {
      const threadId = await this.story();
      const rows: { id: string }[] = await this.t.db.dataSource.query(
        `INSERT INTO alerts (kind, target_type, target_id, thread_id) VALUES ('crisis_report', 'thread', $1, $2) RETURNING id`,
        [threadId, threadId],
      );
      return rows[0].id;
    });
  }

  word(): Promise<string> {
    return this.once('word', async () => {
      const rows: { id: string }[] = await this.t.db.dataSource.query(`INSERT INTO watched_words (pattern, action) VALUES ($1, 'flag') RETURNING id`, [
        `zzword${randomBytes(5).toString('hex')}`,
      ]);
      return rows[0].id;
    });
  }
}

interface Built {
  path: string;
  body?: unknown;
}
type Build = (s: Scene, c: Caller, ctx: Context) => Promise<Built>;

interface Context {
  t: TestApp;
  author: Member;
  spare: Member;
}

const uniqueUsername = (): string => `authz_${randomBytes(5).toString('hex')}`;
const fixed = (path: string, body?: unknown): Build => async () => ({ path, body });
const onStory = (suffix = '', body?: unknown): Build => async (s) => ({ path: `/api/threads/${await s.story()}${suffix}`, body });
const onReply = (suffix = '', body?: unknown): Build => async (s) => ({ path: `/api/replies/${await s.reply()}${suffix}`, body });
const modStory = (action: string): Build => async (s) => ({ path: `/api/mod/threads/${await s.story()}/${action}`, body: { reason: 'checking the permission table' } });
const modReply = (action: string): Build => async (s) => ({ path: `/api/mod/replies/${await s.reply()}/${action}`, body: { reason: 'checking the permission table' } });
const modUser = (suffix: string, body?: unknown): Build => async (s) => ({ path: `/api/mod/users/${await s.victim()}${suffix}`, body });
const modSupport = (body?: unknown): Build => async (s) => ({ path: `/api/mod/support/${await s.victim()}`, body });

/** How to make each route's request; keyed exactly like the table. */
const REQUESTS: Record<string, Build> = {
  'GET /api/health': fixed('/api/health'),
  'GET /api/health/ready': fixed('/api/health/ready'),
  'GET /api/docs': fixed('/api/docs'),
  'GET /api/metrics': fixed('/api/metrics'),
  'GET /api/guidelines': fixed('/api/guidelines'),
  'GET /api/privacy': fixed('/api/privacy'),
  'POST /api/auth/register': async () => ({ path: '/api/auth/register', body: { username: uniqueUsername(), password: 'long enough', acceptGuidelines: true, confirmAge: true } }),
  // each caller signs in as themselves (a visitor with a spare account); a banned member is refused
  'POST /api/auth/login': async (_s, c, ctx) => {
    const who = c.account ?? ctx.spare;
    return { path: '/api/auth/login', body: { username: who.username, password: who.password } };
  },
  'POST /api/auth/logout': fixed('/api/auth/logout'),
  'POST /api/auth/logout-all': fixed('/api/auth/logout-all'),
  'POST /api/auth/password': async (_s, c) => ({ path: '/api/auth/password', body: { current: c.account?.password ?? 'not signed in', next: c.account?.password ?? 'not signed in' } }),
  // a wrong recovery code for the caller's own account: refused for everyone, and nothing changes
  'POST /api/auth/recover': async (_s, c, ctx) => ({
    path: '/api/auth/recover',
    body: { username: (c.account ?? ctx.spare).username, code: 'aaaa-bbbb-cccc', newPassword: 'a brand new password' },
  }),
  'POST /api/auth/recovery-codes': async (_s, c) => ({ path: '/api/auth/recovery-codes', body: { password: c.account?.password ?? 'not signed in' } }),
  'POST /api/auth/2fa/setup': fixed('/api/auth/2fa/setup'),
  // set up first (a secret is stored), then a wrong code: 401 INVALID_CREDENTIALS for members, nothing enabled
  'POST /api/auth/2fa/enable': async (_s, c, ctx) => {
    if (c.account) await ctx.t.db.dataSource.query(`UPDATE users SET totp_secret = 'JBSWY3DPEHPK3PXP' WHERE id = $1 AND totp_enabled_at IS NULL`, [c.account.id]);
    return { path: '/api/auth/2fa/enable', body: { code: '000000' } };
  },
  'POST /api/auth/2fa/disable': fixed('/api/auth/2fa/disable', { code: '000000' }),
  'GET /api/auth/me': fixed('/api/auth/me'),
  'GET /api/me/export': fixed('/api/me/export'),
  // an invalid mode: 400 shows the caller got past authorization, and no account is ever deleted by this table
  'DELETE /api/me': async (_s, c) => ({ path: '/api/me', body: { password: c.account?.password ?? 'not signed in', mode: 'not-a-mode' } }),
  'POST /api/me/break': fixed('/api/me/break', { days: 1 }),
  'DELETE /api/me/break': fixed('/api/me/break'),
  'GET /api/categories': fixed('/api/categories'),
  'GET /api/threads': fixed('/api/threads'),
  'POST /api/threads': fixed('/api/threads', { title: 'A story from the table', category: 'work', happened: 'Something went wrong at work today.' }),
  'GET /api/threads/{id}': onStory(),
  'PATCH /api/threads/{id}': onStory('', { title: 'An edited title here' }),
  'DELETE /api/threads/{id}': onStory(),
  'POST /api/threads/{id}/pause': onStory('/pause'),
  'POST /api/threads/{id}/resume': onStory('/resume'),
  'PUT /api/threads/{id}/mute': onStory('/mute'),
  'DELETE /api/threads/{id}/mute': onStory('/mute'),
  'GET /api/threads/{id}/hidden-pseudonyms': onStory('/hidden-pseudonyms'),
  // a pseudonym nobody has in that story: hiding it is 404 for everyone who may read the story, showing it again a no-op
  'PUT /api/threads/{id}/hidden-pseudonyms/{pseudonym}': onStory('/hidden-pseudonyms/Nobody%20Here'),
  'DELETE /api/threads/{id}/hidden-pseudonyms/{pseudonym}': onStory('/hidden-pseudonyms/Nobody%20Here'),
  'PUT /api/threads/{id}/reactions/{kind}': onStory('/reactions/relate'),
  'DELETE /api/threads/{id}/reactions/{kind}': onStory('/reactions/relate'),
  'GET /api/threads/{id}/replies': onStory('/replies'),
  'POST /api/threads/{id}/replies': onStory('/replies', { body: 'Thank you for telling this.' }),
  'PATCH /api/replies/{id}': onReply('', { body: 'An edited reply.' }),
  'DELETE /api/replies/{id}': onReply(),
  'PUT /api/replies/{id}/reactions/{kind}': onReply('/reactions/thanks'),
  'DELETE /api/replies/{id}/reactions/{kind}': onReply('/reactions/thanks'),
  'POST /api/reports': async (s) => ({ path: '/api/reports', body: { targetType: 'thread', targetId: await s.story(), reason: 'spam', note: 'from the table' } }),
  'GET /api/notifications': fixed('/api/notifications'),
  'POST /api/notifications/read': fixed('/api/notifications/read', { all: true }),
  'GET /api/users/{username}': async (_s, _c, ctx) => ({ path: `/api/users/${ctx.author.username}` }),
  'PUT /api/users/{username}/block': async (_s, _c, ctx) => ({ path: `/api/users/${ctx.author.username}/block` }),
  'DELETE /api/users/{username}/block': async (_s, _c, ctx) => ({ path: `/api/users/${ctx.author.username}/block` }),
  'GET /api/drafts': fixed('/api/drafts'),
  'PUT /api/drafts/{key}': fixed('/api/drafts/table-draft', { data: { title: 'half a story' } }),
  // the caller's own draft, made first
  'DELETE /api/drafts/{key}': async (_s, c, ctx) => {
    if (c.account) await ctx.t.db.dataSource.query(`INSERT INTO drafts (user_id, key, data) VALUES ($1, 'to-delete', '{}') ON CONFLICT DO NOTHING`, [c.account.id]);
    return { path: '/api/drafts/to-delete' };
  },
  'POST /api/safety/check': fixed('/api/safety/check', { text: 'a hard week' }),
  'POST /api/preview': fixed('/api/preview', { markdown: 'A **hard** week.' }),
  'GET /api/mod/queue': fixed('/api/mod/queue'),
  'POST /api/mod/queue/{id}/approve': async (s) => ({ path: `/api/mod/queue/${await s.pendingReply()}/approve`, body: {} }),
  'POST /api/mod/queue/{id}/reject': async (s) => ({ path: `/api/mod/queue/${await s.pendingReply()}/reject`, body: { reason: 'not for here' } }),
  'GET /api/mod/reports': fixed('/api/mod/reports'),
  'POST /api/mod/reports/{id}/resolve': async (s) => ({ path: `/api/mod/reports/${await s.report()}/resolve`, body: { action: 'dismiss' } }),
  'POST /api/mod/threads/{id}/lock': modStory('lock'),
  'POST /api/mod/threads/{id}/unlock': modStory('unlock'),
  'POST /api/mod/threads/{id}/pin': modStory('pin'),
  'POST /api/mod/threads/{id}/unpin': modStory('unpin'),
  'POST /api/mod/threads/{id}/hide': modStory('hide'),
  'POST /api/mod/threads/{id}/unhide': modStory('unhide'),
  'POST /api/mod/threads/{id}/restore': modStory('restore'),
  'PATCH /api/mod/threads/{id}': async (s) => ({ path: `/api/mod/threads/${await s.story()}`, body: { slowModeSeconds: 10 } }),
  'POST /api/mod/replies/{id}/hide': modReply('hide'),
  'POST /api/mod/replies/{id}/unhide': modReply('unhide'),
  'POST /api/mod/replies/{id}/restore': modReply('restore'),
  'GET /api/mod/users/{id}': modUser(''),
  'PATCH /api/mod/users/{id}': modUser('', { role: 'moderator' }),
  'POST /api/mod/users/{id}/suspend': modUser('/suspend', { days: 1, reason: 'checking the table' }),
  'POST /api/mod/users/{id}/ban': modUser('/ban', { reason: 'checking the table' }),
  'POST /api/mod/users/{id}/unban': modUser('/unban', {}),
  'POST /api/mod/reveal': async (s) => ({ path: '/api/mod/reveal', body: { targetType: 'thread', targetId: await s.story(), reason: 'checking the table' } }),
  'GET /api/mod/log': fixed('/api/mod/log'),
  'GET /api/mod/watched-words': fixed('/api/mod/watched-words'),
  'POST /api/mod/watched-words': async () => ({ path: '/api/mod/watched-words', body: { pattern: `zzword${randomBytes(5).toString('hex')}`, action: 'flag' } }),
  'DELETE /api/mod/watched-words/{id}': async (s) => ({ path: `/api/mod/watched-words/${await s.word()}` }),
  'GET /api/mod/alerts': fixed('/api/mod/alerts'),
  'POST /api/mod/alerts/{id}/done': async (s) => ({ path: `/api/mod/alerts/${await s.alert()}/done`, body: { note: 'checking the permission table' } }),
  'GET /api/safety/status': fixed('/api/safety/status'),
  'GET /api/mod/duty': fixed('/api/mod/duty'),
  // ending a shift, never starting one: test files share the database, and a shift would turn safety mode off elsewhere
  'POST /api/mod/duty': fixed('/api/mod/duty', { onDuty: false }),
  'GET /api/help': fixed('/api/help'),
  'GET /api/me/support': fixed('/api/me/support'),
  // a suspended member may still write to the team
  'POST /api/me/support': fixed('/api/me/support', { body: 'A question for the team, from the table.' }),
  'GET /api/mod/support': fixed('/api/mod/support?status=all'),
  'GET /api/mod/support/{userId}': modSupport(),
  'POST /api/mod/support/{userId}': modSupport({ body: 'Checking in, from the table.', includeResources: true }),
  'GET /api/threads/similar': fixed('/api/threads/similar?text=A%20hard%20week%20at%20work%20after%20the%20launch%20failed'),
  'GET /api/threads/{id}/similar': onStory('/similar'),
  'GET /api/lessons': fixed('/api/lessons'),
  // stores nothing, but it is the first step of replying, which a suspended member may not do
  'POST /api/threads/{id}/replies/check': onStory('/replies/check', { body: 'You should just try again.' }),
  // the author's own story only: everyone else, staff included, is refused
  'POST /api/threads/{id}/follow-ups': onStory('/follow-ups', { body: 'Three months later, things are calmer.' }),
  'PUT /api/threads/{id}/reminder': onStory('/reminder', { inMonths: 3 }),
  'DELETE /api/threads/{id}/reminder': onStory('/reminder'),
  'PUT /api/threads/{id}/highlights/{replyId}': async (s) => ({ path: `/api/threads/${await s.story()}/highlights/${await s.othersReply()}` }),
  'DELETE /api/threads/{id}/highlights/{replyId}': async (s) => ({ path: `/api/threads/${await s.story()}/highlights/${await s.othersReply()}` }),
};

/** A 401 that is about the credentials in the body rather than the session. */
const CREDENTIAL_401: Record<string, (a: Actor) => boolean> = {
  'POST /api/auth/recover': () => true,
  'POST /api/auth/2fa/enable': (a) => a !== 'visitor' && a !== 'banned',
};

function expectedCode(row: Row, actor: Actor, status: number): string | null {
  if (status < 400) return null;
  if (status === 401) return CREDENTIAL_401[row.route]?.(actor) ? 'INVALID_CREDENTIALS' : 'UNAUTHENTICATED';
  if (status === 403) {
    if (actor === 'banned') return 'ACCOUNT_BANNED';
    if (actor === 'suspended' && row.method !== 'get') return 'ACCOUNT_SUSPENDED';
    return 'FORBIDDEN';
  }
  return ({ 400: 'VALIDATION_FAILED', 404: 'NOT_FOUND', 409: 'CONFLICT' } as Record<number, string>)[status] ?? null;
}

const ROWS = parseTable(TABLE);

describe('authorization: every route × every kind of caller', () => {
  const tally = new AttackTally('authorization');
  let t: TestApp;
  const accounts = {} as Record<Exclude<Actor, 'visitor'>, Member>;
  let spare: Member;
  let bannedCookie: string;
  let documented: Set<string>;

  beforeAll(async () => {
    t = await startApp(SECURITY_ENV);
    for (const a of ACTORS) if (a !== 'visitor') accounts[a] = await registerMember(t);
    spare = await registerMember(t);
    await setRole(t, accounts.moderator.id, 'moderator');
    await setRole(t, accounts.admin.id, 'admin');
    // suspended and banned the way moderators do it, through the API
    const mod = accounts.moderator.cookie;
    expect((await t.http().post(`/api/mod/users/${accounts.suspended.id}/suspend`).set('Cookie', mod).send({ days: 30, reason: 'for the table' })).status).toBe(200);
    bannedCookie = accounts.banned.cookie;
    expect((await t.http().post(`/api/mod/users/${accounts.banned.id}/ban`).set('Cookie', mod).send({ reason: 'for the table' })).status).toBe(200);
    const doc = await t.http().get('/api/docs-json');
    documented = new Set(
      Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)),
    );
  });

  afterAll(async () => {
    tally.print();
    await t?.close();
  });

  it('covers every route the API documents, and nothing twice', () => {
    const inTable = ROWS.map((r) => r.route);
    expect(new Set(inTable).size).toBe(inTable.length);
    expect(Object.keys(REQUESTS).sort()).toEqual([...inTable].sort());
    const missing = [...documented].filter((r) => !inTable.includes(r));
    expect(missing).toEqual([]); // a new route needs its row here
    // and a row whose route is not in /api/docs fails: a renamed or dropped route must not pass its row unchecked
    const unknown = inTable.filter((r) => !documented.has(r) && r !== 'GET /api/docs');
    expect(unknown).toEqual([]);
  });

  it.each(ROWS.map((r) => [r.route, r] as const))('%s', async (_route, row) => {
    if (!documented.has(row.route) && row.route !== 'GET /api/docs') throw new Error(`${row.route} is not in /api/docs: fix the row or the route`);
    const ctx: Context = { t, author: accounts.author, spare };
    const actual: string[] = [];
    const wanted: string[] = [];
    const shapes: string[] = [];
    for (const [i, actor] of ACTORS.entries()) {
      const account = actor === 'visitor' ? null : accounts[actor];
      const cookie = actor === 'visitor' ? null : actor === 'banned' ? bannedCookie : await freshCookie(t, account!.id);
      const scene = new Scene(t, accounts.author, accounts.other);
      const { path, body } = await REQUESTS[row.route](scene, { actor, cookie, account }, ctx);
      const res = await send(t, row.method, path, cookie, body);
      tally.add(row.method === 'get' ? 'reads' : 'writes');
      const code = res.status >= 400 ? (res.body as { code?: string })?.code : null;
      actual.push(`${actor} ${res.status}${code ? ` ${code}` : ''}`);
      const want = expectedCode(row, actor, row.expected[i]);
      wanted.push(`${actor} ${row.expected[i]}${want ? ` ${want}` : ''}`);
      if (res.status >= 400 && row.route !== 'GET /api/docs') {
        const problem = errorShapeProblem(res as never);
        if (problem) shapes.push(`${actor}: ${problem}`);
      }
    }
    expect(actual).toEqual(wanted);
    expect(shapes).toEqual([]);
  });
});
