// Replies sent while Setback could not be reached (no network, or the server not answering) wait here, per member in
// localStorage, each with the clientKey of its first attempt, and go once Setback is back ("will send when you are
// back online"). The server keeps one reply per clientKey (a repeat answers 200 with the first), so a send that
// did arrive before its answer was lost, or a second tab sending the same item, still makes one reply.
//
// A reply the server refuses with a 4xx other than 429 is never sent again: it stays here with the reason, and its
// words, until the member puts it back in the box or lets it go. 429 waits as long as the server asks; a 401 waits
// for the member to sign in again (the items belong to that member only).
//
// An EventTarget: 'change' when the items change, and `OutboxSent` when one was posted (the story screen adds it).
import type { ReplyQuoteView, ReplyView } from '../../../src/contract/views.js';
import { api, ApiError, describeError, seg } from '../api.js';
import { OUTBOX_PREFIX as PREFIX } from './outbox-loader.js';
import { reachability } from './reachability.js';
const RETRY_MIN_MS = 2_000;
const RETRY_MAX_MS = 60_000;

export interface OutboxItem {
  clientKey: string;
  threadId: string;
  body: string;
  anonymous: boolean;
  replyTo: ReplyQuoteView | null;
  queuedAt: string;
  /** waiting: goes when Setback is back; refused: the server said no (reason), never sent again by itself */
  state: 'waiting' | 'refused';
  reason?: string;
}

export type SentReply = ReplyView & { safety?: { crisis: boolean; resources?: unknown[] } };

export class OutboxSent extends Event {
  constructor(
    readonly item: OutboxItem,
    readonly reply: SentReply,
  ) {
    super('sent');
  }
}

export class Outbox extends EventTarget {
  #reader: string | null = null;
  #items: OutboxItem[] = [];
  /** The clientKey being sent right now (shown as "Sending…"). */
  #sending: string | null = null;
  #flushing: Promise<void> | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  #notBefore = 0;

  constructor() {
    super();
    if (typeof window === 'undefined') return;
    reachability.addEventListener('back', () => this.flush());
    window.addEventListener('online', () => this.flush());
    // another tab of the same member changed the outbox
    window.addEventListener('storage', (event) => {
      if (this.#reader && event.key === PREFIX + this.#reader) {
        this.#items = this.#read();
        this.dispatchEvent(new Event('change'));
      }
    });
  }

  /** Switches to the signed-in member's outbox (null: nobody; nothing is sent). */
  useReader(memberId: string | null | undefined): void {
    const next = memberId ?? null;
    if (next === this.#reader) return;
    this.#reader = next;
    this.#items = this.#read();
    this.#failures = 0;
    this.dispatchEvent(new Event('change'));
    // a tab closed while replies waited, opened again: they go now if Setback answers
    this.flush();
  }

  /** The items for one story, oldest first. */
  itemsFor(threadId: string): OutboxItem[] {
    return this.#items.filter((i) => i.threadId === threadId);
  }

  isSending(clientKey: string): boolean {
    return this.#sending === clientKey;
  }

  /** Queues a reply to go when Setback is back. False when the browser would not keep it (storage off or full). */
  add(item: Omit<OutboxItem, 'queuedAt' | 'state'>): boolean {
    if (!this.#reader) return false;
    const entry: OutboxItem = { ...item, queuedAt: new Date().toISOString(), state: 'waiting' };
    const previous = this.#items;
    this.#items = [...this.#items.filter((i) => i.clientKey !== item.clientKey), entry];
    if (!this.#write()) {
      this.#items = previous;
      return false;
    }
    this.dispatchEvent(new Event('change'));
    this.#schedule(RETRY_MIN_MS);
    return true;
  }

  /** Takes an item out (the member put its words back in the box, or let it go). */
  remove(clientKey: string): OutboxItem | null {
    const found = this.#items.find((i) => i.clientKey === clientKey) ?? null;
    if (!found || this.#sending === clientKey) return null;
    this.#items = this.#items.filter((i) => i.clientKey !== clientKey);
    this.#write();
    this.dispatchEvent(new Event('change'));
    return found;
  }

  /** Sends what waits, one at a time, unless a send is already under way. */
  flush(): void {
    if (this.#flushing || !this.#reader) return;
    this.#clearTimer();
    if (!this.#items.some((i) => i.state === 'waiting')) return;
    if (navigator.onLine === false) return; // the 'online' event brings us back
    const wait = this.#notBefore - Date.now();
    if (wait > 0) {
      this.#schedule(wait);
      return;
    }
    const run = async () => {
      // one tab at a time sends a member's outbox (the server would keep one reply anyway)
      const locks = (navigator as Navigator & { locks?: LockManager }).locks;
      if (locks) await locks.request(`${PREFIX}${this.#reader}`, () => this.#sendAll());
      else await this.#sendAll();
    };
    this.#flushing = run()
      .catch(() => undefined)
      .finally(() => {
        this.#flushing = null;
      });
  }

  async #sendAll(): Promise<void> {
    const reader = this.#reader;
    this.#items = this.#read(); // another tab may have sent some already
    for (;;) {
      if (this.#reader !== reader) return;
      const item = this.#items.find((i) => i.state === 'waiting');
      if (!item) return;
      this.#sending = item.clientKey;
      this.dispatchEvent(new Event('change'));
      let outcome: 'sent' | 'refused' | 'later';
      try {
        const reply = await api.post<SentReply>(`/threads/${seg(item.threadId)}/replies`, {
          body: item.body,
          clientKey: item.clientKey,
          anonymous: item.anonymous || undefined,
          replyTo: item.replyTo?.id ?? undefined,
        });
        this.#drop(item.clientKey);
        this.#failures = 0;
        this.dispatchEvent(new OutboxSent(item, { ...reply, threadId: reply.threadId ?? item.threadId }));
        outcome = 'sent';
      } catch (error) {
        outcome = this.#afterFailure(item, error);
      } finally {
        this.#sending = null;
        this.dispatchEvent(new Event('change'));
      }
      if (outcome === 'later') return;
    }
  }

  /** What a failed send means for the item: refused for good, or to be tried again later. */
  #afterFailure(item: OutboxItem, error: unknown): 'refused' | 'later' {
    if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429 && error.status !== 401) {
      this.#update(item.clientKey, { state: 'refused', reason: describeError(error) });
      return 'refused';
    }
    this.#failures += 1;
    if (error instanceof ApiError && error.status === 429 && error.retryAfter) this.#notBefore = Date.now() + error.retryAfter * 1000;
    // a connection failure waits for 'back' too; a 401 waits for the member to sign in again (useReader)
    if (!(error instanceof ApiError && error.status === 401)) {
      this.#schedule(Math.max(this.#notBefore - Date.now(), Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(this.#failures - 1, 5))));
    }
    return 'later';
  }

  #drop(clientKey: string): void {
    this.#items = this.#read().filter((i) => i.clientKey !== clientKey);
    this.#write();
  }

  #update(clientKey: string, patch: Partial<OutboxItem>): void {
    this.#items = this.#read().map((i) => (i.clientKey === clientKey ? { ...i, ...patch } : i));
    this.#write();
  }

  #schedule(ms: number): void {
    this.#clearTimer();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, ms);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #read(): OutboxItem[] {
    if (!this.#reader) return [];
    try {
      const parsed: unknown = JSON.parse(localStorage.getItem(PREFIX + this.#reader) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter((i): i is OutboxItem => !!i && typeof i === 'object' && typeof (i as OutboxItem).clientKey === 'string') : [];
    } catch {
      return [];
    }
  }

  #write(): boolean {
    if (!this.#reader) return false;
    try {
      if (this.#items.length) localStorage.setItem(PREFIX + this.#reader, JSON.stringify(this.#items));
      else localStorage.removeItem(PREFIX + this.#reader);
      return true;
    } catch {
      return false;
    }
  }
}

export const outbox = new Outbox();
