// Autosave for one draft key (PUT /api/drafts/:key {data}), as an EventTarget that says 'change'
// whenever its status moves between idle, saving, saved and error ("Not saved — will retry").
import { api, ApiError, seg } from '../api.js';

export type DraftStatus = 'idle' | 'saving' | 'saved' | 'error';

export interface StoredDraft<T> {
  key: string;
  data: T;
  updatedAt: string;
}

const RETRY_MIN_MS = 3000;
const RETRY_MAX_MS = 60000;

export class DraftStore<T> extends EventTarget {
  readonly key: string;
  readonly delayMs: number;
  #status: DraftStatus = 'idle';
  #data: T | null = null;
  #version = 0;
  #savedVersion = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight: Promise<void> | null = null;
  #failures = 0;
  #stopped = false;
  #discarded = false;
  #savedAt: Date | null = null;
  #last = '';

  constructor(key: string, delayMs = 1500) {
    super();
    this.key = key;
    this.delayMs = delayMs;
  }

  get status(): DraftStatus {
    return this.#status;
  }

  get savedAt(): Date | null {
    return this.#savedAt;
  }

  get dirty(): boolean {
    return this.#version !== this.#savedVersion;
  }

  /** The stored draft for this key, or null. */
  async load(signal?: AbortSignal): Promise<StoredDraft<T> | null> {
    const page = await api.get<{ items: StoredDraft<T>[] }>('/drafts', { signal });
    const found = (page?.items ?? []).find((d) => d.key === this.key) ?? null;
    if (found) {
      this.#savedAt = new Date(found.updatedAt);
      this.#last = JSON.stringify(found.data);
    }
    return found;
  }

  /** Records new content and saves it once typing has paused for delayMs. */
  update(data: T): void {
    if (this.#stopped) return;
    const serialized = JSON.stringify(data);
    if (serialized === this.#last) return; // e.g. the 'change' event that follows 'input'
    this.#last = serialized;
    this.#data = data;
    this.#version += 1;
    this.#schedule(this.delayMs);
  }

  /** Saves now if anything is unsaved (keepalive lets it finish while the page unloads). */
  async flush(options: { keepalive?: boolean } = {}): Promise<void> {
    this.#clearTimer();
    if (this.#discarded || !this.dirty) return;
    await this.#save(true, options.keepalive ?? false);
  }

  /** Stops autosaving and deletes the stored draft (after publishing, or "start over"). */
  async discard(): Promise<void> {
    this.#stopped = true;
    this.#discarded = true;
    this.#clearTimer();
    if (this.#inFlight) await this.#inFlight.catch(() => undefined);
    this.#savedVersion = this.#version;
    this.#last = '';
    try {
      await api.del(`/drafts/${seg(this.key)}`);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    this.#setStatus('idle');
  }

  /** Lets a discarded store autosave again (after "start over"). */
  resume(): void {
    this.#stopped = false;
    this.#discarded = false;
    this.#failures = 0;
  }

  /** Stops timers without saving or deleting. */
  stop(): void {
    this.#stopped = true;
    this.#clearTimer();
  }

  #schedule(ms: number): void {
    this.#clearTimer();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#save(false, false);
    }, ms);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** force: save even after stop() (a final flush), but never after discard(). */
  async #save(force: boolean, keepalive: boolean): Promise<void> {
    const allowed = () => !this.#discarded && (force || !this.#stopped);
    if (!allowed()) return;
    if (this.#inFlight) {
      // One request at a time; the newer content is saved right after.
      await this.#inFlight.catch(() => undefined);
      if (!this.dirty || !allowed()) return;
    }
    const version = this.#version;
    const data = this.#data;
    this.#setStatus('saving');
    const attempt = api
      .put<unknown>(`/drafts/${seg(this.key)}`, { data }, { keepalive })
      .then(() => {
        this.#savedVersion = Math.max(this.#savedVersion, version);
        this.#failures = 0;
        this.#savedAt = new Date();
        if (this.#stopped) return;
        if (this.dirty) this.#schedule(this.delayMs);
        else this.#setStatus('saved');
      })
      .catch((error: unknown) => {
        if (this.#stopped) return;
        this.#failures += 1;
        this.#setStatus('error');
        if (error instanceof ApiError && error.status === 401) return; // signed out: nothing to retry
        const backoff = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.#failures - 1));
        const wait = error instanceof ApiError && error.retryAfter ? Math.max(backoff, error.retryAfter * 1000) : backoff;
        this.#schedule(wait);
      })
      .finally(() => {
        this.#inFlight = null;
      });
    this.#inFlight = attempt;
    await attempt;
  }

  #setStatus(status: DraftStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.dispatchEvent(new Event('change'));
  }
}
