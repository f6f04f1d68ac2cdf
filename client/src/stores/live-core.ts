// The live connection's logic, without the browser: connecting, reconnecting, joining the open story again with
// `after` = the last reply the screen holds and `since` = when the connection was lost, handing the missed and
// changed replies to the screen, and paging the rest over REST when the server says `more`.
//
// It knows no window, document or navigator: the host (stores/live.ts in the browser, the cluster test in node)
// opens the socket, fetches a page of replies and reports the network. So the cluster test exercises exactly
// the reconnect and rejoin code that readers run.
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import type { AlertView, DeletedReplyView, NotificationView, Page, ReactionUpdateView, ReplyView, ThreadView } from '../../../src/contract/views.js';
import { ClientEvents, ServerEvents } from '../../../src/contract/views.js';

export type LiveState = 'connecting' | 'online' | 'offline';

export type AnyReply = ReplyView | DeletedReplyView;

/** thread.updated: a full Thread (section bodies only when edited), or `{id, hidden, deleted}` when it is gone. */
export type ThreadUpdate = Partial<ThreadView> & { id: string; mine?: boolean };

export interface ServerEventMap {
  'reply.created': AnyReply;
  'reply.updated': AnyReply;
  'reply.removed': { id: string; threadId: string };
  'thread.updated': ThreadUpdate;
  typing: { threadId: string; count: number };
  presence: { threadId: string; viewers: number };
  'reaction.updated': ReactionUpdateView;
  notification: NotificationView;
  'session.ended': { reason: string };
  /** staff only: an alert raised or marked done */
  'mod.alert': AlertView;
  /** notifications withdrawn (the reply that caused them was hidden or removed) */
  'notification.removed': { ids: string[] };
}

export type ServerEventName = keyof ServerEventMap;

/** A server event, as a DOM event of the same name. */
export class LiveEvent<K extends ServerEventName = ServerEventName> extends Event {
  constructor(
    type: K,
    readonly data: ServerEventMap[K],
  ) {
    super(type);
  }
}

export type Ack<T = Record<string, unknown>> = ({ ok: true } & T) | { ok: false; error: { code: string; message: string } };

interface JoinAck {
  threadId: string;
  missed: AnyReply[];
  more: boolean;
  changed: AnyReply[];
  viewers: number;
}

/** What a screen gives the store for the thread it shows. */
export interface ThreadSink {
  threadId: string;
  /** The highest reply id held, or null for none. */
  lastReplyId(): string | null;
  /** New replies (missed while away, or paged after): added in id order, duplicates ignored. */
  add(replies: AnyReply[]): void;
  /** Replies edited, removed or approved while away. */
  change(replies: AnyReply[]): void;
  viewers(count: number): void;
  /** The story can no longer be read (removed, hidden, or never visible). */
  gone(code: string): void;
  /** Catching up failed (REST page): the screen may offer a reload. */
  failed?(error: unknown): void;
}

export type LiveSocketOptions = Partial<ManagerOptions & SocketOptions>;

/** What the store needs from where it runs. */
export interface LiveHost {
  /** Opens the socket with these options (the browser: same origin, cookie sent by itself). */
  connect(options: LiveSocketOptions): Socket;
  /** A page of a story's replies after a reply id, over REST. */
  replies(threadId: string, after: string, limit: number): Promise<Page<AnyReply> | null>;
  /** False only when the device knows it has no network (navigator.onLine === false). */
  online(): boolean;
  /** Calls back when the device goes offline or online; returns what stops listening. */
  watchNetwork?(offline: () => void, online: () => void): () => void;
}

const ACK_TIMEOUT_MS = 10_000;
const TYPING_EVERY_MS = 2_000;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;
const PAGE_SIZE = 50;
/** Join answers worth asking again for: the server was busy or briefly unwell, the story is still there. */
const RETRY_JOIN_CODES = new Set(['RATE_LIMITED', 'INTERNAL', 'UNAVAILABLE']);

/**
 * websocket only: no polling handshake, so no instance behind a load balancer needs to see a client's next
 * request (the proxy needs no sticky sessions, see deploy/nginx.conf).
 */
export const LIVE_SOCKET_OPTIONS: LiveSocketOptions = {
  path: '/socket.io',
  transports: ['websocket'],
  withCredentials: true,
  reconnectionDelay: RETRY_MIN_MS,
  reconnectionDelayMax: 10_000,
  timeout: 10_000,
};

const SERVER_EVENT_NAMES = Object.values(ServerEvents) as ServerEventName[];

export class LiveStore extends EventTarget {
  readonly #host: LiveHost;
  #socket: Socket | null = null;
  #state: LiveState = 'offline';
  /** When the connection was lost (ms), for `since` on the next join; null while connected. */
  #lostAt: number | null = null;
  #everOnline = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  #joinTimer: ReturnType<typeof setTimeout> | undefined;
  #joinFailures = 0;
  #thread: ThreadSink | null = null;
  /** Bumped on every open/close/reconnect, so a late join answer for an older round is ignored. */
  #round = 0;
  #lastTyping = 0;
  #unwatchNetwork: (() => void) | null = null;

  constructor(host: LiveHost) {
    super();
    this.#host = host;
  }

  get state(): LiveState {
    return this.#state;
  }

  /** True once the connection has been up at least once (so "connecting" means "reconnecting"). */
  get reconnecting(): boolean {
    return this.#everOnline && this.#state !== 'online';
  }

  /** Opens the connection (after sign-in). Calling it again while open does nothing. */
  start(): void {
    if (this.#socket) return;
    const socket = this.#host.connect(LIVE_SOCKET_OPTIONS);
    this.#socket = socket;
    this.#everOnline = false;
    this.#lostAt = null;
    this.#failures = 0;
    this.#setState('connecting');
    this.#unwatchNetwork =
      this.#host.watchNetwork?.(
        () => this.#networkOffline(),
        () => this.#networkOnline(),
      ) ?? null;

    socket.on('connect', () => {
      this.#failures = 0;
      this.#joinFailures = 0;
      this.#clearJoinRetry();
      this.#everOnline = true;
      this.#setState('online');
      if (!this.#thread) this.#lostAt = null;
      void this.#join();
    });
    socket.on('disconnect', (reason) => {
      this.#lostAt ??= Date.now();
      this.#round += 1;
      if (reason === 'io client disconnect') return; // ours: stop() or the device went offline
      if (reason === 'io server disconnect') {
        // The server closed it (session ended, or it refused this socket): ask again after a pause; the
        // handshake tells whether the session still holds.
        this.#setState(this.#host.online() ? 'connecting' : 'offline');
        this.#scheduleRetry();
        return;
      }
      this.#setState(this.#host.online() ? 'connecting' : 'offline');
    });
    socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      this.#failures += 1;
      const code = error.data?.code;
      if (code === 'UNAUTHENTICATED') {
        this.#setState('offline');
        this.dispatchEvent(new Event('unauthenticated'));
        return;
      }
      if (!socket.active) {
        // Refused by the server's middleware (e.g. too many open tabs): socket.io will not retry by itself.
        this.#setState('offline');
        this.#scheduleRetry();
      } else {
        this.#setState(!this.#host.online() || this.#failures >= 3 ? 'offline' : 'connecting');
      }
    });
    for (const name of SERVER_EVENT_NAMES) {
      socket.on(name, (data: unknown) => this.#dispatchServer(name, data));
    }
    if (!this.#host.online()) this.#networkOffline();
  }

  /** Closes the connection (after sign-out). */
  stop(): void {
    this.#unwatchNetwork?.();
    this.#unwatchNetwork = null;
    this.#clearRetry();
    this.#clearJoinRetry();
    this.#round += 1;
    const socket = this.#socket;
    this.#socket = null;
    if (socket) {
      socket.removeAllListeners();
      socket.disconnect();
    }
    this.#lostAt = null;
    this.#everOnline = false;
    this.#setState('offline');
  }

  /** Typed listener for a server event; removed when the signal aborts. */
  on<K extends ServerEventName>(type: K, listener: (data: ServerEventMap[K]) => void, signal?: AbortSignal): void {
    this.addEventListener(
      type,
      (event) => {
        if (event instanceof LiveEvent) listener(event.data as ServerEventMap[K]);
      },
      { signal },
    );
  }

  /**
   * Subscribes the screen's thread: joined now if online, and again after every reconnect. Returns the
   * function that leaves it.
   */
  openThread(sink: ThreadSink): () => void {
    const previous = this.#thread;
    if (previous && previous.threadId !== sink.threadId) this.#leave(previous.threadId);
    this.#thread = sink;
    this.#round += 1;
    this.#lastTyping = 0;
    this.#joinFailures = 0;
    this.#clearJoinRetry();
    // The screen's replies are fresh as of now: changes before this moment are already in them.
    this.#lostAt = this.#socket?.connected ? null : Date.now();
    if (this.#socket?.connected) void this.#join();
    return () => {
      if (this.#thread !== sink) return;
      this.#thread = null;
      this.#round += 1;
      this.#leave(sink.threadId);
    };
  }

  /** Tells the story's readers that someone is writing; at most once every 2 s. */
  typing(threadId: string): void {
    const socket = this.#socket;
    if (!socket?.connected || this.#thread?.threadId !== threadId) return;
    const now = Date.now();
    if (now - this.#lastTyping < TYPING_EVERY_MS) return;
    this.#lastTyping = now;
    socket.timeout(ACK_TIMEOUT_MS).emit(ClientEvents.typing, { threadId }, () => undefined);
  }

  #dispatchServer(name: ServerEventName, data: unknown): void {
    if (!data || typeof data !== 'object') return;
    this.dispatchEvent(new LiveEvent(name, data as ServerEventMap[typeof name]));
  }

  async #join(): Promise<void> {
    const sink = this.#thread;
    const socket = this.#socket;
    if (!sink || !socket?.connected) return;
    const round = this.#round;
    const since = this.#lostAt;
    const payload: { threadId: string; after: string; since?: string } = { threadId: sink.threadId, after: sink.lastReplyId() ?? '0' };
    if (since !== null) payload.since = new Date(since - 1000).toISOString(); // a second early: clocks and commit times differ
    let ack: Ack<JoinAck>;
    try {
      ack = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(ClientEvents.join, payload)) as Ack<JoinAck>;
    } catch {
      // No answer in time: a server too busy to answer (ask again), or a dropping socket (the next connect joins).
      this.#retryJoin(round);
      return;
    }
    if (round !== this.#round || this.#thread !== sink) return;
    if (!ack.ok) {
      if (ack.error.code === 'NOT_FOUND') sink.gone(ack.error.code);
      else if (RETRY_JOIN_CODES.has(ack.error.code)) this.#retryJoin(round);
      return;
    }
    this.#joinFailures = 0;
    this.#lostAt = null;
    if (Array.isArray(ack.missed) && ack.missed.length) sink.add(ack.missed);
    if (Array.isArray(ack.changed) && ack.changed.length) sink.change(ack.changed);
    if (typeof ack.viewers === 'number') sink.viewers(ack.viewers);
    if (ack.more) await this.#pageRest(sink, round);
  }

  /** More than the join could carry was missed: page the rest over REST until done. */
  async #pageRest(sink: ThreadSink, round: number): Promise<void> {
    try {
      let after = sink.lastReplyId() ?? '0';
      for (;;) {
        const page = await this.#host.replies(sink.threadId, after, PAGE_SIZE);
        if (round !== this.#round || this.#thread !== sink) return;
        const items = (page?.items ?? []).map((r) => ({ ...r, threadId: r.threadId ?? sink.threadId }) as AnyReply);
        if (items.length) sink.add(items);
        const next = page?.nextCursor ?? null;
        if (!next || next === after) return;
        after = next;
      }
    } catch (error) {
      if (round === this.#round && this.#thread === sink) sink.failed?.(error);
    }
  }

  /**
   * A join that went unanswered or failed for a passing reason is asked again after a pause (growing, with
   * jitter, so that readers who all joined at once do not all ask again at once), while the same socket still
   * shows the same story. Without this a reader would stay out of the story's room until the next reconnect.
   */
  #retryJoin(round: number): void {
    this.#clearJoinRetry();
    this.#joinFailures += 1;
    const wait = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(this.#joinFailures - 1, 5)) * (0.75 + Math.random() / 2);
    this.#joinTimer = setTimeout(() => {
      this.#joinTimer = undefined;
      if (round === this.#round && this.#socket?.connected) void this.#join();
    }, wait);
  }

  #clearJoinRetry(): void {
    if (this.#joinTimer !== undefined) clearTimeout(this.#joinTimer);
    this.#joinTimer = undefined;
  }

  #leave(threadId: string): void {
    const socket = this.#socket;
    if (socket?.connected) socket.timeout(ACK_TIMEOUT_MS).emit(ClientEvents.leave, { threadId }, () => undefined);
  }

  #networkOffline(): void {
    // The socket cannot work without a network; close it now rather than wait for a ping to time out, so
    // the reader sees "Offline" and the rejoin catches up once the network is back.
    const socket = this.#socket;
    if (!socket) return;
    this.#clearRetry();
    if (socket.connected || socket.active) {
      this.#lostAt ??= Date.now();
      socket.disconnect();
    }
    this.#setState('offline');
  }

  #networkOnline(): void {
    const socket = this.#socket;
    if (!socket) return;
    this.#clearRetry();
    if (!socket.connected) {
      this.#setState('connecting');
      socket.connect();
    }
  }

  #scheduleRetry(): void {
    this.#clearRetry();
    const wait = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(this.#failures, 5)) * (0.75 + Math.random() / 2);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      const socket = this.#socket;
      if (!socket || socket.connected || !this.#host.online()) return;
      this.#setState('connecting');
      socket.connect();
    }, wait);
  }

  #clearRetry(): void {
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #setState(state: LiveState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.dispatchEvent(new Event('change'));
  }
}
