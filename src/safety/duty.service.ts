import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import type { Viewer } from '../access/viewer.js';
import { isStaff } from '../access/viewer.js';
import { forbidden } from '../common/errors.js';
import type { DomainEvents } from '../common/events.js';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.js';
import type { DutyView, SafetyStatusView } from '../contract/views.js';
import { NotificationsService } from '../notifications/notifications.service.js';

/** A moderator on duty is one whose shift has not ended and who is still staff (a demoted or banned one counts for nothing). */
const ON_DUTY = `FROM moderator_shifts s JOIN users u ON u.id = s.user_id
  WHERE s.until > now() AND u.role IN ('moderator', 'admin') AND u.banned_at IS NULL AND u.deleted_at IS NULL`;

/** A moderator is reminded this long before their shift ends by itself. */
const REMIND_BEFORE_MINUTES = 15;
const REMIND_EVERY_MS = 60_000;

/**
 * Moderator shifts (the `moderator_shifts` table) and the safety mode they decide. A shift is a row with an end:
 * on duty means `until > now()`, so a shift ends by itself with no timer, and every instance counts the same
 * moderators from PostgreSQL.
 */
@Injectable()
export class DutyService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Duty');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly events: EventEmitter2,
    private readonly notifications: NotificationsService,
  ) {}

  private emit<K extends keyof DomainEvents>(name: K, payload: DomainEvents[K]): void {
    this.events.emit(name, payload);
  }

  /** Starts a shift (or starts it again, for a full shift from now) or ends it. */
  async setDuty(viewer: Viewer, onDuty: boolean): Promise<DutyView> {
    if (!isStaff(viewer)) throw forbidden('Only moderators can go on duty.');
    const rows: { until: Date }[] = onDuty
      ? await this.dataSource.query(
          `INSERT INTO moderator_shifts (user_id, started_at, until, reminded_at) VALUES ($1, now(), now() + make_interval(secs => $2), NULL)
           ON CONFLICT (user_id) DO UPDATE SET started_at = now(), until = EXCLUDED.until, reminded_at = NULL
           RETURNING until`,
          [viewer.id, Math.round(this.config.dutyShiftHours * 3600)],
        )
      : await this.dataSource
          .query(`UPDATE moderator_shifts SET until = now() WHERE user_id = $1 AND until > now() RETURNING until`, [viewer.id])
          .then((r: [{ until: Date }[], number]) => r[0]);
    this.emit('safety.changed', {});
    return { onDuty, until: onDuty ? rows[0].until.toISOString() : null };
  }

  /** The viewer's own shift: whether they are on duty, and until when. */
  async myDuty(viewer: Viewer): Promise<DutyView> {
    const rows: { until: Date }[] = await this.dataSource.query(`SELECT s.until ${ON_DUTY} AND s.user_id = $1`, [viewer.id]);
    return { onDuty: rows.length > 0, until: rows[0]?.until.toISOString() ?? null };
  }

  async moderatorsOnDuty(): Promise<number> {
    const [{ n }]: { n: number }[] = await this.dataSource.query(`SELECT count(*)::int AS n ${ON_DUTY}`);
    return n;
  }

  /** SAFETY_MODE: on or off as configured, or (auto) on while no moderator is on duty. */
  async safetyMode(): Promise<boolean> {
    if (this.config.safetyMode !== 'auto') return this.config.safetyMode === 'on';
    return (await this.moderatorsOnDuty()) === 0;
  }

  async status(): Promise<SafetyStatusView> {
    const moderatorsOnDuty = await this.moderatorsOnDuty();
    const safetyMode = this.config.safetyMode === 'auto' ? moderatorsOnDuty === 0 : this.config.safetyMode === 'on';
    return { safetyMode, moderatorsOnDuty, resources: this.config.crisisResources };
  }

  /**
   * Reminds each moderator once, shortly before their shift ends by itself. The row is claimed and marked in one
   * statement, so one instance sends each reminder, whichever instances run this.
   */
  async remindEndingShifts(): Promise<number> {
    const [rows]: [{ user_id: string; until: Date }[], number] = await this.dataSource.query(
      `UPDATE moderator_shifts SET reminded_at = now()
        WHERE reminded_at IS NULL AND until > now() AND until <= now() + make_interval(mins => $1)
        RETURNING user_id, until`,
      [REMIND_BEFORE_MINUTES],
    );
    for (const r of rows) {
      const minutes = Math.max(1, Math.round((r.until.getTime() - Date.now()) / 60_000));
      await this.notifications.notify(r.user_id, {
        kind: 'moderation',
        text: `Your moderation shift ends in about ${minutes} minute${minutes === 1 ? '' : 's'}. Start a new one from the moderation page if you are staying on.`,
      });
    }
    return rows.length;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.remindEndingShifts().catch((e: unknown) => this.logger.warn(`shift reminders failed: ${String(e)}`));
    }, REMIND_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
