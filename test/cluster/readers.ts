// A reader of one story, driven by the browser client's own live store (client/src/stores/live-core.ts): the
// same connect, reconnect and rejoin-with-`after`/`since` code, hosted in node instead of a page. The reader
// holds replies the way the story screen does (in id order, a second copy of an id ignored) and counts what
// a user would never see: copies that arrived twice, replies recovered by a rejoin, drops and reconnects.
import { io } from 'socket.io-client';
import type { Page } from '../../src/contract/views.js';
import { type AnyReply, LiveStore, type ThreadSink } from '../../client/src/stores/live-core.js';

const compareIds = (a: string, b: string): number => {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

export class Reader {
  readonly store: LiveStore;
  /** Reply ids held, in id order, each once (what the screen shows). */
  held: string[] = [];
  /** How many times each reply arrived, live or by a rejoin. */
  arrivals = new Map<string, number>();
  /** Replies that came through a rejoin's `missed` (or the REST pages after it) rather than live. */
  recovered = 0;
  /** Successful joins of the current story (the first one, then one per reconnect). */
  joins = 0;
  drops = 0;
  connects = 0;
  /** Set when a join was refused (the story became unreadable): a failure here. */
  gone: string | null = null;
  /** The last connection error, for a failure's message. */
  lastError: string | null = null;
  #threadId: string | null = null;
  #close: (() => void) | null = null;

  constructor(
    readonly url: string,
    readonly cookie: string,
  ) {
    this.store = new LiveStore({
      connect: (options) => {
        // withCredentials is the browser's say on sending cookies; in node it makes engine.io-client keep a cookie
        // jar of its own that replaces the Cookie header, so here the cookie travels as a plain header instead
        const socket = io(url, { ...options, withCredentials: false, extraHeaders: { Cookie: cookie }, forceNew: true });
        socket.on('connect_error', (e: Error & { data?: { code?: string } }) => (this.lastError = e.data?.code ?? e.message));
        return socket;
      },
      replies: async (threadId, after, limit) => {
        const res = await fetch(`${url}/api/threads/${threadId}/replies?after=${after}&limit=${limit}`, { headers: { Cookie: cookie } });
        if (!res.ok) throw new Error(`replies page: ${res.status}`);
        return (await res.json()) as Page<AnyReply>;
      },
      online: () => true,
    });
    let wasOnline = false;
    this.store.addEventListener('change', () => {
      const online = this.store.state === 'online';
      if (online && !wasOnline) this.connects += 1;
      if (!online && wasOnline) this.drops += 1;
      wasOnline = online;
    });
    this.store.on('reply.created', (r) => {
      if (r.threadId === this.#threadId) this.#add([r]);
    });
    this.store.start();
  }

  /** Opens a story as the story screen does: a fresh list, joined now and after every reconnect. */
  open(threadId: string): void {
    this.#close?.();
    this.#threadId = threadId;
    this.held = [];
    this.arrivals = new Map();
    this.recovered = 0;
    this.joins = 0;
    const sink: ThreadSink = {
      threadId,
      lastReplyId: () => this.held.at(-1) ?? null,
      add: (replies) => {
        this.recovered += replies.length;
        this.#add(replies);
      },
      change: () => undefined,
      viewers: () => {
        this.joins += 1;
      },
      gone: (code) => {
        this.gone = code;
      },
    };
    this.#close = this.store.openThread(sink);
  }

  #add(replies: AnyReply[]): void {
    for (const r of replies) {
      this.arrivals.set(r.id, (this.arrivals.get(r.id) ?? 0) + 1);
      if (this.arrivals.get(r.id)! > 1) continue;
      let i = this.held.length;
      while (i > 0 && compareIds(this.held[i - 1]!, r.id) > 0) i -= 1;
      this.held.splice(i, 0, r.id);
    }
  }

  /** Copies beyond the first, over all replies (the screen drops them; counted to show the protocol's overlap). */
  get duplicates(): number {
    let n = 0;
    for (const c of this.arrivals.values()) n += c - 1;
    return n;
  }

  stop(): void {
    this.#close?.();
    this.store.stop();
  }
}
