import { Inject, Injectable, Logger } from '@nestjs/common';
import { parse as parseCookie } from 'cookie';
import type { Server, Socket } from 'socket.io';
import { AuthService } from '../auth/auth.service.js';
import type { Viewer } from '../access/viewer.js';
import { isStaff } from '../access/viewer.js';
import { DomainError } from '../common/errors.js';
import type { FieldError } from '../common/errors.js';
import { toErrorBody } from '../common/exception.filter.js';
import { validatePayload } from '../common/validation.js';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.js';
import { ServerEvents } from '../contract/views.js';
import { RepliesService } from '../replies/replies.service.js';
import { StoriesService } from '../stories/stories.service.js';
import { RedisLink } from '../redis/redis-link.js';
import { ThreadJoinDto, ThreadRefDto } from './socket.dto.js';

export interface SocketState {
  token: string;
  viewer: Viewer;
  threads: Set<string>;
  events: number[];
  lastTyping: Map<string, number>;
}

export type Ack = { ok: true; [k: string]: unknown } | { ok: false; error: { code: string; message: string; errors?: FieldError[] } };

export const memberRoom = (threadId: string): string => `thread:${threadId}`;
export const staffRoom = (threadId: string): string => `thread:${threadId}:mod`;
export const userRoom = (userId: string): string => `user:${userId}`;
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;
/** Every staff socket on every instance (alerts, support messages); joined at connect, re-decided when a role changes (sockets reconnect). */
export const STAFF_ROOM = 'staff';

const KNOWN_EVENTS = new Set(['thread.join', 'thread.leave', 'typing']);
const WINDOW_MS = 10_000;
const TYPING_EVERY_MS = 2_000;
const TYPING_TTL_MS = 5_000;
const MISSED_MAX = 200;

const state = (socket: Socket): SocketState => socket.data as SocketState;

function fail(code: DomainError['code'] | string, message: string): Ack {
  return { ok: false, error: { code, message } };
}

/** Socket-side rules: who may connect, join and type, and how fast. Domain rules stay in the domain services. */
@Injectable()
export class RealtimeService {
  private readonly logger = new Logger('Realtime');
  private server: Server | null = null;
  private readonly typing = new Map<string, Map<string, number>>();
  private readonly presenceTimers = new Map<string, NodeJS.Timeout>();
  /** The viewer count running for a story, and the one queued after it (see viewers). */
  private readonly viewerCounts = new Map<string, { running: Promise<number>; queued: Promise<number> | null }>();
  private readonly typingTimers = new Set<NodeJS.Timeout>();
  private closing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly stories: StoriesService,
    private readonly replies: RepliesService,
    private readonly redis: RedisLink,
  ) {}

  /** The socket.io server, or null once shutting down (nothing may be emitted through a closed Redis). */
  get io(): Server | null {
    return this.closing ? null : this.server;
  }

  private get eventAllowance(): number {
    return Math.max(1, Math.floor(20 * this.config.rateLimitScale));
  }

  private get socketAllowance(): number {
    return Math.max(1, Math.floor(10 * this.config.rateLimitScale));
  }

  attach(server: Server): void {
    this.server = server;
    // Nest guards do not run at the handshake: the session cookie is checked here, before the connection exists
    server.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (e: unknown) => {
          const body = toErrorBody(e, this.logger);
          next(Object.assign(new Error(body.message), { data: { code: body.code, message: body.message } }));
        },
      );
    });
  }

  /** The session behind a handshake's cookie header, resolved as REST resolves it. */
  private async session(cookieHeader: string | undefined): Promise<{ token: string | undefined; viewer: Viewer | null }> {
    const token = this.auth.tokenFrom(parseCookie(cookieHeader ?? ''));
    return { token, viewer: await this.auth.resolve(token) };
  }

  /** socket.io's allowRequest: an engine.io handshake without a valid session is refused before it opens anything. */
  async signedIn(req: { headers: { cookie?: string } }): Promise<boolean> {
    return (await this.session(req.headers.cookie)).viewer !== null;
  }

  private async authenticate(socket: Socket): Promise<void> {
    const { token, viewer } = await this.session(socket.handshake.headers.cookie);
    if (!viewer || !token) throw new DomainError('UNAUTHENTICATED', 'Please sign in to connect.');
    const open = await this.countSockets(userRoom(viewer.id));
    if (open >= this.socketAllowance) throw new DomainError('RATE_LIMITED', 'Too many open connections for this account. Close another tab and try again.');
    const s: SocketState = { token, viewer, threads: new Set(), events: [], lastTyping: new Map() };
    Object.assign(socket.data, s);
  }

  /** Whether rooms can be asked across instances; with Redis configured but lost, only this instance answers. */
  private get clusterReady(): boolean {
    return !this.redis.configured || this.redis.ready;
  }

  private async countSockets(room: string): Promise<number> {
    if (!this.server) return 0;
    if (!this.clusterReady) return (await this.server.local.in(room).fetchSockets()).length;
    try {
      return (await this.server.in(room).fetchSockets()).length;
    } catch {
      return (await this.server.local.in(room).fetchSockets()).length; // Redis lost: count this instance
    }
  }

  onConnection(socket: Socket): void {
    const s = state(socket);
    if (!s.viewer) {
      socket.disconnect(true);
      return;
    }
    void socket.join([userRoom(s.viewer.id), sessionRoom(s.viewer.sessionId), ...(isStaff(s.viewer) ? [STAFF_ROOM] : [])]);
    socket.use((packet, next) => {
      const [event] = packet;
      const ack = typeof packet[packet.length - 1] === 'function' ? (packet[packet.length - 1] as (a: Ack) => void) : null;
      const now = Date.now();
      s.events = s.events.filter((t) => now - t < WINDOW_MS);
      s.events.push(now);
      if (s.events.length > this.eventAllowance * 3) {
        this.logger.warn(`Disconnecting a socket of ${s.viewer.id} for flooding`);
        socket.disconnect(true);
        return;
      }
      if (s.events.length > this.eventAllowance) {
        ack?.(fail('RATE_LIMITED', 'Too many events: slow down for a few seconds.'));
        return;
      }
      if (typeof event !== 'string' || !KNOWN_EVENTS.has(event)) {
        ack?.(fail('UNKNOWN_EVENT', 'That event is not part of the protocol.'));
        return;
      }
      next();
    });
  }

  onDisconnect(socket: Socket): void {
    const s = state(socket);
    for (const threadId of s.threads ?? []) this.schedulePresence(threadId);
  }

  /** Re-reads the session on every event: a role change, suspension, ban or logout applies at once. */
  private async freshViewer(socket: Socket): Promise<Viewer> {
    const s = state(socket);
    const viewer = await this.auth.resolve(s.token);
    if (!viewer) {
      socket.emit(ServerEvents.sessionEnded, { reason: 'signed-out' });
      socket.disconnect(true);
      throw new DomainError('UNAUTHENTICATED', 'Your session has ended. Please sign in again.');
    }
    s.viewer = viewer;
    return viewer;
  }

  async guard(run: () => Promise<Ack>): Promise<Ack> {
    try {
      return await run();
    } catch (e) {
      // the same body as a REST error, without the HTTP status: a VALIDATION_FAILED names each field in `errors`
      const body = toErrorBody(e, this.logger);
      return { ok: false, error: { code: body.code, message: body.message, ...(body.errors ? { errors: body.errors } : {}) } };
    }
  }

  join(socket: Socket, body: unknown): Promise<Ack> {
    return this.guard(async () => {
      const p = await validatePayload(ThreadJoinDto, body);
      const after = p.after ?? null;
      const since = p.since ?? null;
      const viewer = await this.freshViewer(socket);
      const thread = await this.stories.loadReadable(viewer, p.threadId);
      const s = state(socket);
      // join before reading what was missed: a reply committed in between arrives twice at worst (ids dedupe), never zero times
      const staff = isStaff(viewer);
      await socket.join(staff ? staffRoom(thread.id) : memberRoom(thread.id));
      // a re-join re-decides the audience: a socket that stopped (or started) reading as staff keeps no stale room
      await socket.leave(staff ? memberRoom(thread.id) : staffRoom(thread.id));
      s.threads.add(thread.id);
      let missed: unknown[] = [];
      let more = false;
      if (after !== null) {
        const page = await this.replies.page(viewer, thread.id, after, MISSED_MAX);
        missed = page.items;
        more = page.nextCursor !== null;
      }
      const changed = since && after !== null ? await this.replies.changedSince(viewer, thread.id, since, after) : [];
      this.schedulePresence(thread.id);
      return { ok: true, threadId: thread.id, missed, more, changed, viewers: await this.viewers(thread.id) };
    });
  }

  leave(socket: Socket, body: unknown): Promise<Ack> {
    return this.guard(async () => {
      const p = await validatePayload(ThreadRefDto, body);
      await socket.leave(memberRoom(p.threadId));
      await socket.leave(staffRoom(p.threadId));
      state(socket).threads.delete(p.threadId);
      this.schedulePresence(p.threadId);
      return { ok: true };
    });
  }

  typingEvent(socket: Socket, body: unknown): Promise<Ack> {
    return this.guard(async () => {
      const p = await validatePayload(ThreadRefDto, body);
      const s = state(socket);
      if (!s.threads.has(p.threadId)) return fail('NOT_FOUND', 'Join the story before typing in it.');
      const viewer = await this.freshViewer(socket);
      const now = Date.now();
      // at most one typing signal per member per 2 s; extra ones are accepted and dropped
      if (now - (s.lastTyping.get(p.threadId) ?? 0) < TYPING_EVERY_MS) return { ok: true };
      s.lastTyping.set(p.threadId, now);
      this.pushTyping(p.threadId, await this.markTyping(p.threadId, viewer.id, now));
      const timer = setTimeout(() => {
        this.typingTimers.delete(timer);
        void this.expireTyping(p.threadId);
      }, TYPING_TTL_MS + 100);
      timer.unref();
      this.typingTimers.add(timer);
      return { ok: true };
    });
  }

  /**
   * Who is typing where (member ids), shared through Redis when there is one, so every instance counts the same
   * people. Returns who is typing now.
   */
  private async markTyping(threadId: string, userId: string, now: number): Promise<string[]> {
    const key = `${this.config.redisPrefix}typing:${threadId}`;
    if (this.redis.ready && this.redis.pub) {
      try {
        const c = this.redis.pub;
        await c.zAdd(key, { score: now + TYPING_TTL_MS, value: userId });
        await c.zRemRangeByScore(key, 0, now);
        await c.pExpire(key, TYPING_TTL_MS * 2);
        return await c.zRange(key, 0, -1);
      } catch {
        /* fall through to this instance's own count */
      }
    }
    const m = this.typing.get(threadId) ?? new Map<string, number>();
    m.set(userId, now + TYPING_TTL_MS);
    this.typing.set(threadId, m);
    return this.localTypers(threadId, now);
  }

  private localTypers(threadId: string, now: number): string[] {
    const m = this.typing.get(threadId);
    if (!m) return [];
    for (const [u, until] of m) if (until <= now) m.delete(u);
    if (!m.size) this.typing.delete(threadId);
    return [...m.keys()];
  }

  /** Who is typing in a story now, after the expired ones are dropped. */
  private async typers(threadId: string): Promise<string[]> {
    const now = Date.now();
    const local = this.localTypers(threadId, now);
    if (this.redis.ready && this.redis.pub) {
      try {
        const key = `${this.config.redisPrefix}typing:${threadId}`;
        await this.redis.pub.zRemRangeByScore(key, 0, now);
        return await this.redis.pub.zRange(key, 0, -1);
      } catch {
        /* keep the local count */
      }
    }
    return local;
  }

  private async expireTyping(threadId: string): Promise<void> {
    if (!this.io) return;
    this.pushTyping(threadId, await this.typers(threadId));
  }

  /**
   * A member's reply arrived: they no longer count as typing there. Returns who still types, for pushTyping once
   * the reply itself has been pushed, or null when they were not counted (nothing to tell).
   */
  async stopTyping(threadId: string, userId: string): Promise<string[] | null> {
    let removed = this.typing.get(threadId)?.delete(userId) ?? false;
    if (this.redis.ready && this.redis.pub) {
      try {
        removed = (await this.redis.pub.zRem(`${this.config.redisPrefix}typing:${threadId}`, userId)) > 0 || removed;
      } catch {
        /* this instance's own count is already right */
      }
    }
    return removed ? this.typers(threadId) : null;
  }

  /**
   * The typing count, a number and never names: each typer's own sockets get it without themselves, everyone
   * else in the story's rooms gets it whole.
   */
  pushTyping(threadId: string, typers: string[]): void {
    const io = this.io;
    if (!io) return;
    io.to([memberRoom(threadId), staffRoom(threadId)]).except(typers.map(userRoom)).emit(ServerEvents.typing, { threadId, count: typers.length });
    // to the typer's every socket (a screen on another story ignores another story's count)
    for (const u of typers) io.to(userRoom(u)).emit(ServerEvents.typing, { threadId, count: typers.length - 1 });
  }

  /**
   * Distinct members reading a story, on every instance. Counting asks every instance for the room's sockets, so a
   * count per join made a burst of K joins cost K counts of up to K sockets each (the bench's 1,000 readers through
   * three instances took 7× longer to join than on one). A call made while a count runs shares the next count, which
   * starts after that one ends and so after the call was made: every caller still gets a count that includes what
   * happened before its call, and a burst costs two counts at a time per story instead of one per join.
   */
  viewers(threadId: string): Promise<number> {
    const flight = this.viewerCounts.get(threadId);
    if (!flight) return this.startViewerCount(threadId);
    flight.queued ??= flight.running.then(
      () => this.startViewerCount(threadId),
      () => this.startViewerCount(threadId),
    );
    return flight.queued;
  }

  private startViewerCount(threadId: string): Promise<number> {
    const flight: { running: Promise<number>; queued: Promise<number> | null } = { running: this.countViewers(threadId), queued: null };
    this.viewerCounts.set(threadId, flight);
    const done = (): void => {
      // a queued count replaces this one in the map when it starts; otherwise nothing is waiting
      if (this.viewerCounts.get(threadId) === flight && !flight.queued) this.viewerCounts.delete(threadId);
    };
    flight.running.then(done, done);
    return flight.running;
  }

  private async countViewers(threadId: string): Promise<number> {
    if (!this.server || this.closing) return 0;
    let sockets: { data: unknown }[];
    if (!this.clusterReady) sockets = await this.server.local.in([memberRoom(threadId), staffRoom(threadId)]).fetchSockets();
    else try {
      sockets = await this.server.in([memberRoom(threadId), staffRoom(threadId)]).fetchSockets();
    } catch {
      sockets = await this.server.local.in([memberRoom(threadId), staffRoom(threadId)]).fetchSockets();
    }
    return new Set(sockets.map((s) => (s.data as SocketState).viewer?.id)).size;
  }

  /** Presence changes are debounced, so a burst of joins sends one update. */
  schedulePresence(threadId: string): void {
    if (this.presenceTimers.has(threadId)) return;
    const timer = setTimeout(() => {
      this.presenceTimers.delete(threadId);
      void this.viewers(threadId)
        .then((viewers) => this.io?.to([memberRoom(threadId), staffRoom(threadId)]).emit(ServerEvents.presence, { threadId, viewers }))
        .catch((e: unknown) => this.logger.warn(`presence update failed: ${String(e)}`));
    }, 300);
    timer.unref();
    this.presenceTimers.set(threadId, timer);
  }

  onModuleDestroy(): void {
    this.closing = true;
    for (const t of this.presenceTimers.values()) clearTimeout(t);
    for (const t of this.typingTimers) clearTimeout(t);
    this.presenceTimers.clear();
    this.typingTimers.clear();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.close();
  }
}
