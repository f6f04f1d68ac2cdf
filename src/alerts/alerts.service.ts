import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, EntityManager } from 'typeorm';
import { can, Permission } from '../access/permissions.js';
import { UUID_RE } from '../access/policy.js';
import type { Viewer } from '../access/viewer.js';
import { isStaff } from '../access/viewer.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { DomainError, forbidden, notFound } from '../common/errors.js';
import type { AlertKind, AlertView, Page } from '../contract/views.js';
import { SecretsService } from '../database/secrets.service.js';
import type { AlertsQuery } from './alerts.dto.js';
import { targetColumns, targetJoin, toTargetView, type TargetRow } from './target.views.js';

export interface NewAlert {
  kind: AlertKind;
  targetType: 'thread' | 'reply' | 'user';
  targetId: string;
  threadId: string | null;
}

interface AlertRow extends TargetRow {
  id: string;
  kind: AlertKind;
  target_type: 'thread' | 'reply' | 'user';
  target_id: string;
  thread_id: string | null;
  created_at: Date;
  done_at: Date | null;
  done_by: string | null;
  done_by_username: string | null;
  note: string | null;
  /** created_at (open) or done_at (done) to the microsecond, for the keyset */
  sort_key: string;
}

/** The last alert of a page: its status, its sort time (to the microsecond) and id. */
interface AlertCursor {
  s: 'open' | 'done';
  t: string;
  id: string;
}
const KEY_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const isAlertCursor = (v: unknown): v is AlertCursor => {
  const c = v as Record<string, unknown>;
  return !!c && typeof c === 'object' && (c.s === 'open' || c.s === 'done') && typeof c.t === 'string' && KEY_RE.test(c.t) && typeof c.id === 'string' && UUID_RE.test(c.id);
};
const KEY = (col: string): string => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Alerts for moderators: a crisis post, a crisis report, content reaching the auto-hide threshold. Raised inside the
 * transaction of what caused them (`raise(em, …)`), pushed to staff after that commits (`announce`), listed and marked
 * done by staff. At most one open alert of a kind per target: a second crisis report of the same post adds nothing.
 */
@Injectable()
export class AlertsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretsService,
    private readonly events: EventEmitter2,
  ) {}

  private assertStaff(viewer: Viewer, permission: Permission): void {
    if (!isStaff(viewer) || !can(viewer.role, permission)) throw forbidden('Only moderators can see alerts.');
  }

  /** Inside the caller's transaction. Returns the new alert's id, or null when one is already open for that target. */
  async raise(em: EntityManager, a: NewAlert): Promise<string | null> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO alerts (kind, target_type, target_id, thread_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (kind, target_type, target_id) WHERE done_at IS NULL DO NOTHING RETURNING id`,
      [a.kind, a.targetType, a.targetId, a.threadId],
    );
    return rows[0]?.id ?? null;
  }

  /** After the raising transaction committed: the realtime module pushes `mod.alert` to every staff socket. */
  announce(id: string | null): void {
    if (id) this.events.emit('alert.raised', { alertId: id });
  }

  async openCount(): Promise<number> {
    const rows: { n: number }[] = await this.dataSource.query('SELECT count(*)::int AS n FROM alerts WHERE done_at IS NULL');
    return rows[0].n;
  }

  private select(where: string): string {
    return `SELECT a.id, a.kind, a.target_type, a.target_id, a.thread_id, a.created_at, a.done_at, a.done_by, du.username AS done_by_username, a.note,
                   ${KEY('coalesce(a.done_at, a.created_at)')} AS sort_key, ${targetColumns()}
              FROM alerts a LEFT JOIN users du ON du.id = a.done_by ${targetJoin('a')}
             ${where}`;
  }

  private view(r: AlertRow): AlertView {
    const target = toTargetView(this.secrets.appSecret, r);
    return {
      id: r.id,
      kind: r.kind,
      targetType: r.target_type,
      targetId: r.target_id,
      threadId: r.thread_id ?? target.threadId,
      threadTitle: target.threadTitle,
      excerpt: target.excerpt,
      author: target.author,
      createdAt: r.created_at.toISOString(),
      doneAt: r.done_at ? r.done_at.toISOString() : null,
      doneBy: r.done_by ? { id: r.done_by, username: r.done_by_username ?? '' } : null,
      note: r.note,
    };
  }

  /** One alert as staff see it (for the live push); null when it is gone. */
  async getView(id: string): Promise<AlertView | null> {
    if (!UUID_RE.test(id)) return null;
    const rows: AlertRow[] = await this.dataSource.query(this.select('WHERE a.id = $1'), [id]);
    return rows[0] ? this.view(rows[0]) : null;
  }

  /** Open alerts oldest first (the one waiting longest on top); done ones most recently done first. */
  async list(viewer: Viewer, q: AlertsQuery): Promise<Page<AlertView>> {
    this.assertStaff(viewer, Permission.AlertRead);
    const status = q.status ?? 'open';
    const limit = q.limit ?? 20;
    const secret = this.secrets.appSecret;
    const cursor = decodeCursor(secret, q.cursor, isAlertCursor);
    if (cursor && cursor.s !== status) throw new DomainError('INVALID_CURSOR', 'That cursor belongs to another list. Start again from the first page.');
    const params: unknown[] = [];
    let where: string;
    let order: string;
    if (status === 'open') {
      where = 'WHERE a.done_at IS NULL';
      order = 'ORDER BY a.created_at, a.id';
      if (cursor) {
        params.push(cursor.t, cursor.id);
        where += ' AND (a.created_at, a.id) > ($1::timestamptz, $2::uuid)';
      }
    } else {
      where = 'WHERE a.done_at IS NOT NULL';
      order = 'ORDER BY a.done_at DESC, a.id DESC';
      if (cursor) {
        params.push(cursor.t, cursor.id);
        where += ' AND (a.done_at, a.id) < ($1::timestamptz, $2::uuid)';
      }
    }
    params.push(limit + 1);
    const rows: AlertRow[] = await this.dataSource.query(`${this.select(where)} ${order} LIMIT $${params.length}`, params);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => this.view(r)),
      nextCursor: rows.length > limit && last ? encodeCursor(secret, { s: status, t: last.sort_key, id: last.id } satisfies AlertCursor) : null,
    };
  }

  /** Marks an alert done, with an optional note; marking a done alert again changes nothing. */
  async done(viewer: Viewer, id: string, note?: string): Promise<AlertView> {
    this.assertStaff(viewer, Permission.AlertResolve);
    if (!UUID_RE.test(id)) throw notFound('That alert');
    const rows: { id: string }[] = await this.dataSource.query(
      `UPDATE alerts SET done_at = now(), done_by = $2, note = $3 WHERE id = $1 AND done_at IS NULL RETURNING id`,
      [id, viewer.id, note?.trim() || null],
    );
    const view = await this.getView(id);
    if (!view) throw notFound('That alert');
    if (rows.length) this.events.emit('alert.resolved', { alertId: id });
    return view;
  }
}
