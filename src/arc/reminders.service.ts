import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Viewer } from '../access/viewer.js';
import { forbidden, notFound } from '../common/errors.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import type { NotificationRow } from '../notifications/notifications.service.js';
import { StoriesService } from '../stories/stories.service.js';
import { ThreadsRepository } from '../stories/threads.repository.js';
import type { ReminderMonths } from './arc.dto.js';
import { reminderText } from './arc.views.js';

const POLL_EVERY_MS = 60_000;
const BATCH = 50;

// not prepared statements: they run when an author sets a reminder and once a minute, not on every request
const SET_REMINDER = `INSERT INTO follow_up_reminders (thread_id, user_id, in_months, due_at) VALUES ($1, $2, $3::smallint, now() + make_interval(months => $4::int))
   ON CONFLICT (thread_id) DO UPDATE SET user_id = excluded.user_id, in_months = excluded.in_months, due_at = excluded.due_at, fired_at = NULL, created_at = now()
   RETURNING due_at`;

// Exactly once by the claim, not by timing: fired_at is set under a row lock (SKIP LOCKED, re-checked IS NULL) in the transaction that inserts the notification.
// A reminder of a story its author may no longer read (deleted, hidden: the read rule) is used up without a word.
const CLAIM_DUE = `UPDATE follow_up_reminders m SET fired_at = now()
    WHERE m.thread_id IN (SELECT d.thread_id FROM follow_up_reminders d
                           WHERE d.fired_at IS NULL AND d.due_at <= now()
                           ORDER BY d.due_at LIMIT ${BATCH}
                           FOR UPDATE SKIP LOCKED)
      AND m.fired_at IS NULL
   RETURNING m.thread_id, m.user_id, m.in_months`;

/**
 * The author's private reminder to add a follow-up, stored in PostgreSQL and fired by whichever instance polls first
 * once it is due (every instance polls at start and every minute).
 *
 * Why a polling claim and not a job library: pg-boss 12 needs Node 22 (this app runs on 20) and completes a job in a
 * transaction of its own, apart from the handler's writes (at-least-once); graphile-worker holds a pool connection
 * for LISTEN for as long as it runs, which on the embedded database (one session) would starve every request. The
 * claim below is the outbox's pattern (src/database/outbox.service.ts), on a table of its own.
 */
@Injectable()
export class RemindersService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Reminders');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private closing = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly stories: StoriesService,
    private readonly threads: ThreadsRepository,
    private readonly notifications: NotificationsService,
  ) {}

  async set(viewer: Viewer, threadId: string, inMonths: ReminderMonths): Promise<{ at: string }> {
    const t = await this.ownStory(viewer, threadId);
    const [row]: { due_at: Date }[] = await this.dataSource.query(SET_REMINDER, [t.id, viewer.id, inMonths, inMonths]);
    return { at: row.due_at.toISOString() };
  }

  async clear(viewer: Viewer, threadId: string): Promise<void> {
    const t = await this.ownStory(viewer, threadId);
    await this.dataSource.query(`DELETE FROM follow_up_reminders WHERE thread_id = $1`, [t.id]);
  }

  private async ownStory(viewer: Viewer, threadId: string) {
    const t = await this.stories.loadReadable(viewer, threadId);
    if (t.author_id !== viewer.id) throw forbidden('Only the author can set a reminder for this story.');
    if (t.gone) throw notFound('That story');
    return t;
  }

  onApplicationBootstrap(): void {
    this.poll();
    this.timer = setInterval(() => this.poll(), POLL_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private poll(): void {
    void this.runDue().catch((e: unknown) => this.logger.warn(`reminder poll failed: ${e instanceof Error ? e.message : String(e)}`));
  }

  /** Fires every reminder now due; resolves to how many notifications went out. One run at a time per instance. */
  runDue(): Promise<number> {
    if (this.closing) return Promise.resolve(0);
    this.running ??= this.fireAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async fireAll(): Promise<number> {
    let sent = 0;
    for (;;) {
      const { claimed, stored } = await this.dataSource.transaction(async (em) => {
        const [rows]: [{ thread_id: string; user_id: string; in_months: number }[], number] = await em.query(CLAIM_DUE);
        const stories = new Map((await this.threads.forTheirAuthors(em, rows.map((r) => r.thread_id))).map((t) => [t.id, t]));
        const out: [string, NotificationRow][] = [];
        for (const r of rows) {
          const t = stories.get(r.thread_id);
          if (!t?.readable || t.author_id !== r.user_id) continue;
          const row = await this.notifications.insert(em, r.user_id, { kind: 'follow_up_reminder', text: reminderText(r.in_months, t.title), threadId: r.thread_id });
          if (row) out.push([r.user_id, row]);
        }
        return { claimed: rows.length, stored: out };
      });
      for (const [userId, row] of stored) this.notifications.announce(userId, row);
      sent += stored.length;
      if (claimed < BATCH || this.closing) return sent;
    }
  }
}
