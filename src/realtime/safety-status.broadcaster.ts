import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { Server } from 'socket.io';
import { ServerEvents } from '../contract/views.js';
import type { SafetyStatusView } from '../contract/views.js';
import { DutyService } from '../safety/duty.service.js';
import { RealtimeService } from './realtime.service.js';
import { RedisLink } from '../redis/redis-link.js';

/** How often each instance looks whether a shift ended by itself. */
export const SAFETY_CHECK_EVERY_MS = 30_000;
/** Sent between instances through the adapter: "a shift changed, look again". */
const RECHECK = 'safety.recheck';

/**
 * `safety.status` to every connected socket when safety mode or the number of moderators on duty changes. Each
 * instance tells its own sockets, once per change: it compares the status in PostgreSQL with the last one it
 * announced, when a moderator starts or ends a shift (on this instance, or on another, which says so through the
 * adapter) and every 30 s (a shift that ended by itself changes nothing anyone could be told of at the time).
 * A socket that connects gets the last status at once, so a change between the page's fetch and the connection is not lost.
 */
@Injectable()
export class SafetyStatusBroadcaster implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SafetyStatus');
  private last: SafetyStatusView | null = null;
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private attachedTo: Server | null = null;

  constructor(
    private readonly duty: DutyService,
    private readonly realtime: RealtimeService,
    private readonly redis: RedisLink,
  ) {}

  private attach(): void {
    const io = this.realtime.io;
    if (!io || this.attachedTo === io) return;
    this.attachedTo = io;
    io.on(RECHECK, () => void this.recheck());
    io.on('connection', (socket) => {
      if (this.last) socket.emit(ServerEvents.safetyStatus, this.last);
    });
  }

  /** Looks again, one check at a time (so announcements keep their order); resolves once this check is done. */
  recheck(): Promise<void> {
    this.attach();
    this.chain = this.chain.then(() => this.check()).catch((e: unknown) => this.logger.warn(`safety status check failed: ${String(e)}`));
    return this.chain;
  }

  private async check(): Promise<void> {
    const status = await this.duty.status();
    const before = this.last;
    this.last = status;
    if (before && before.safetyMode === status.safetyMode && before.moderatorsOnDuty === status.moderatorsOnDuty) return;
    // the first check after start has nobody to tell: no socket is older than this instance
    if (before) this.realtime.io?.local.emit(ServerEvents.safetyStatus, status);
  }

  @OnEvent('safety.changed', { async: true })
  async onSafetyChanged(): Promise<void> {
    await this.recheck();
    // the other instances look again too, each telling its own sockets
    if (this.redis.configured) {
      try {
        this.realtime.io?.serverSideEmit(RECHECK);
      } catch (e) {
        this.logger.warn(`could not ask the other instances to look again: ${String(e)}`);
      }
    }
  }

  onApplicationBootstrap(): void {
    void this.recheck();
    this.timer = setInterval(() => void this.recheck(), SAFETY_CHECK_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
