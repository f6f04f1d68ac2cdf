import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, EntityManager } from 'typeorm';

/** What a post causes, written with the post: the topic names the handler, the payload is plain JSON. */
export interface OutboxTopics {
  /** a post matched a `flag` or `crisis` watched word: its automatic report */
  'content.flagged': { targetType: 'thread' | 'reply'; targetId: string; threadId: string; reason: 'crisis' | 'other'; note: string };
  /** a reply was stored: the notifications it causes */
  'reply.created': { threadId: string; replyId: string };
  /** a reaction was given: the notification of the author of what was reacted to */
  'reaction.added': { targetType: 'thread' | 'reply'; targetId: string; threadId: string; userId: string; kind: 'relate' | 'thanks' | 'helped' };
}
export type OutboxTopic = keyof OutboxTopics;

/**
 * Writes its rows in the handling transaction; may return what to do once that transaction has committed (a live
 * push), which is then best effort: the rows themselves are already stored.
 */
export type OutboxHandler<K extends OutboxTopic> = (em: EntityManager, payload: OutboxTopics[K]) => Promise<(() => void) | void>;

const SWEEP_EVERY_MS = 10_000;

class PushDeferred extends Error {
  constructor() {
    super('this instance cannot push live now (stopping); another instance will handle it');
  }
}
const MAX_BACKOFF_S = 3600;

/**
 * The transactional outbox. A service adds rows inside its own transaction and, after the commit, hands their ids
 * to `deliver`, which handles each at once. Whatever a crash or an error left behind is picked up by a sweep on
 * every instance (at start and every 10 s); `FOR UPDATE SKIP LOCKED` lets several instances share the work, and
 * each row is deleted in the same transaction that writes what it causes, so it is handled exactly once.
 */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Outbox');
  private readonly handlers = new Map<string, OutboxHandler<never>>();
  private timer: NodeJS.Timeout | null = null;
  private closing = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** Rows whose first delivery waits on this instance (a live push under way): its own sweep leaves them alone. */
  private readonly held = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventEmitter2,
  ) {}

  handle<K extends OutboxTopic>(topic: K, handler: OutboxHandler<K>): void {
    this.handlers.set(topic, handler as OutboxHandler<never>);
  }

  /** Inside the caller's transaction. */
  async add<K extends OutboxTopic>(em: EntityManager, topic: K, payload: OutboxTopics[K]): Promise<string> {
    const rows: { id: string }[] = await em.query(`INSERT INTO outbox (topic, payload) VALUES ($1, $2) RETURNING id::text AS id`, [topic, JSON.stringify(payload)]);
    return rows[0].id;
  }

  /**
   * After the caller's commit, while something slow comes first (a reply's live push to every reader): a push
   * that takes longer than the sweep's few seconds must not be pushed a second time by this instance's own sweep.
   */
  hold(ids: string[]): void {
    for (const id of ids) this.held.add(id);
  }

  /** Leaves held rows to whichever sweep comes (this instance could not deliver them). */
  release(ids: string[]): void {
    for (const id of ids) this.held.delete(id);
  }

  /** After the caller's commit: handle these rows now. */
  deliver(ids: string[]): void {
    this.release(ids);
    // fault injection for test/faults: die right after a commit, before anything it caused is delivered
    if (ids.length && process.env.SETBACK_FAULT === 'kill-after-commit') process.kill(process.pid, 'SIGKILL');
    for (const id of ids) this.track(this.process(id));
  }

  onApplicationBootstrap(): void {
    this.track(this.sweep());
    this.timer = setInterval(() => this.track(this.sweep()), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Rows left behind: due for a retry, or older than a moment (the instance that wrote a newer one handles it). */
  async sweep(): Promise<void> {
    if (this.closing) return;
    try {
      const rows: { id: string }[] = await this.dataSource.query(
        `SELECT id::text AS id FROM outbox WHERE next_at <= now() AND created_at < now() - interval '5 seconds' ORDER BY next_at, id LIMIT 100`,
      );
      for (const r of rows) {
        if (this.closing) return;
        if (this.held.has(r.id)) continue;
        await this.process(r.id, true);
      }
    } catch (e) {
      this.logger.warn(`outbox sweep failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async process(id: string, recovered = false): Promise<void> {
    let topic = '?';
    let payload: unknown = null;
    try {
      const after = await this.dataSource.transaction(async (em) => {
        // claim and remove in one statement; a row another instance is handling is skipped, not waited for
        const [rows]: [{ topic: string; payload: unknown }[], number] = await em.query(
          `DELETE FROM outbox WHERE id = (SELECT id FROM outbox WHERE id = $1 FOR UPDATE SKIP LOCKED) RETURNING topic, payload`,
          [id],
        );
        const row = rows[0];
        if (!row) return undefined;
        topic = row.topic;
        payload = row.payload;
        const handler = this.handlers.get(row.topic);
        if (!handler) throw new Error(`no handler for outbox topic "${row.topic}"`);
        const then = await handler(em, row.payload as never);
        if (recovered) {
          // the live push the row stood for may never have gone out: it goes again before the row is gone, so an
          // instance that cannot push (it is stopping) rolls back and leaves the row to one that can
          const pushed: unknown[] = await this.events.emitAsync('outbox.recovered', { topic: row.topic, payload: row.payload });
          if (pushed.includes(false)) throw new PushDeferred();
          if (row.topic === 'reply.created') this.logger.warn(`outbox row ${id}: a reply left undelivered was pushed again from here`);
        }
        return then;
      });
      if (after) after();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (e instanceof PushDeferred) this.logger.warn(`outbox row ${id} (${topic}): ${message}`);
      else this.logger.error(`outbox row ${id} (${topic}) failed, will retry: ${e instanceof Error ? e.stack : message}`);
      // the row is still there (its transaction rolled back): try again later, waiting longer each time
      await this.dataSource
        .query(
          `UPDATE outbox SET attempts = attempts + 1, last_error = left($2, 1000),
                  next_at = now() + make_interval(secs => least(${MAX_BACKOFF_S}, power(2, attempts + 1)::int)) WHERE id = $1`,
          [id, message],
        )
        .catch(() => undefined);
    }
  }
}
