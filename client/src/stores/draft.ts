// Autosave for one draft key (PUT /api/drafts/:key {data}), as an EventTarget that says 'change'
// whenever its status moves between idle, saving, saved and error ("Not saved — will retry").
//
// Every change is also kept at once in this browser (stores/local-copy.ts), and forgotten again when the server
// holds the same words: so text typed offline, or refused by the server (413: too large), survives a closed tab
// and is offered back by the screen (unsent()). A refusal other than 429 is not retried until the words change.
import { api, ApiError, describeError, seg } from '../api.js';
import { localCopies, sameWords, type LocalCopy } from './local-copy.js';
import { reachability } from './reachability.js';

export type DraftStatus = 'idle' | 'saving' | 'saved' | 'error';

export interface StoredDraft<T> {
  key: string;
  data: T;
  updatedAt: string;
}

const RETRY_MIN_MS = 3000;
const RETRY_MAX_MS = 60000;

/** Some string in the draft holds more than spaces. */
function anyWords(data: unknown): boolean {
  if (typeof data === 'string') return data.trim() !== '';
  if (data && typeof data === 'object') return Object.values(data).some(anyWords);
  return false;
}

export interface DraftOptions<T> {
  delayMs?: number;
  /** Whether a draft holds words worth keeping and offering back (default: any non-blank string in it). */
  hasWords?: (data: T) => boolean;
}

/** Saves under way, by key: a screen opened again right after leaving waits for its own last save before loading. */
const pendingSaves = new Map<string, Promise<void>>();

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
  /** The server's own updatedAt of the latest draft this store knows it holds. */
  #serverUpdatedAt: string | null = null;
  /** Why the server refused the last save (4xx other than 429), said in words; null otherwise. */
  #problem: string | null = null;
  /** While the screen offers back an earlier local copy, new typing must not overwrite it. */
  #holdLocal = false;
  readonly #hasWords: (data: T) => boolean;
  readonly #listeners = new AbortController();

  constructor(key: string, options: number | DraftOptions<T> = {}) {
    super();
    const opts = typeof options === 'number' ? { delayMs: options } : options;
    this.key = key;
    this.delayMs = opts.delayMs ?? 1500;
    this.#hasWords = opts.hasWords ?? anyWords;
    // back online: what failed to save for want of a connection goes now
    reachability.addEventListener(
      'back',
      () => {
        if (this.#status === 'error' && !this.#problem && this.dirty && !this.#stopped) this.#schedule(0);
      },
      { signal: this.#listeners.signal },
    );
  }

  /** Why the server refused the last save, in words (e.g. too large); null when it did not. */
  get problem(): string | null {
    return this.#problem;
  }

  /** Words typed here that the server does not hold, and cannot take right now: leaving would put them at risk. */
  get atRisk(): boolean {
    return this.dirty && this.#data !== null && this.#hasWords(this.#data) && (this.#status === 'error' || !reachability.ok);
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

  /** The stored draft for this key, or null (also when it was finished with here while the server could not be told). */
  async load(signal?: AbortSignal): Promise<StoredDraft<T> | null> {
    await pendingSaves.get(this.key)?.catch(() => undefined);
    const page = await api.get<{ items: StoredDraft<T>[] }>('/drafts', { signal });
    let found = (page?.items ?? []).find((d) => d.key === this.key) ?? null;
    const finished = localCopies.finished(this.key);
    if (finished !== null) {
      if (found && (finished === '' || found.updatedAt <= finished)) {
        // sent or discarded on this device while the server was out of reach: it must not come back
        found = null;
        const done = () => {
          if (localCopies.finished(this.key) !== null) localCopies.forget(this.key); // not words typed since
        };
        api.del(`/drafts/${seg(this.key)}`).then(done, (error: unknown) => {
          if (error instanceof ApiError && error.status === 404) done();
        });
      } else {
        localCopies.forget(this.key);
      }
    }
    if (found) {
      this.#savedAt = new Date(found.updatedAt);
      this.#serverUpdatedAt = found.updatedAt;
      this.#last = JSON.stringify(found.data);
    }
    return found;
  }

  /**
   * Words kept in this browser that the server's draft (as loaded) does not hold: typed offline, or refused, then
   * the tab closed. Null when there are none (a copy equal to the server's is forgotten). The screen offers them
   * back; until it calls settleUnsent(), new typing does not overwrite them.
   */
  unsent(server: StoredDraft<T> | null): LocalCopy<T> | null {
    const copy = localCopies.get<T>(this.key);
    if (!copy) return null;
    if (!this.#hasWords(copy.data) || (server && sameWords(copy.data, server.data))) {
      localCopies.forget(this.key);
      return null;
    }
    this.#holdLocal = true;
    return copy;
  }

  /** The offer is answered: restored (the screen then calls update()) or discarded. */
  settleUnsent(restored: boolean): void {
    this.#holdLocal = false;
    if (!restored) localCopies.forget(this.key);
    if (this.#data !== null && this.dirty) localCopies.keep(this.key, this.#data);
  }

  /** Records new content and saves it once typing has paused for delayMs. */
  update(data: T): void {
    if (this.#stopped) return;
    const serialized = JSON.stringify(data);
    if (serialized === this.#last) return; // e.g. the 'change' event that follows 'input'
    this.#last = serialized;
    this.#data = data;
    this.#version += 1;
    this.#problem = null;
    if (!this.#holdLocal) {
      if (this.#hasWords(data)) localCopies.keep(this.key, data);
      else localCopies.forget(this.key);
    }
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
    // noted first: if the server cannot be told now, the next visit deletes its draft instead of restoring it
    if (!this.#holdLocal) localCopies.finish(this.key, this.#serverUpdatedAt);
    try {
      await api.del(`/drafts/${seg(this.key)}`);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    if (localCopies.finished(this.key) !== null) localCopies.forget(this.key);
    this.#serverUpdatedAt = null;
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
    this.#listeners.abort();
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
      .put<StoredDraft<T> | undefined>(`/drafts/${seg(this.key)}`, { data }, { keepalive })
      .then((saved) => {
        this.#savedVersion = Math.max(this.#savedVersion, version);
        this.#failures = 0;
        this.#savedAt = new Date();
        this.#problem = null;
        if (saved?.updatedAt) this.#serverUpdatedAt = saved.updatedAt;
        // the server holds these words now: the browser's copy is no longer needed
        if (!this.dirty && !this.#holdLocal && !this.#discarded) localCopies.forget(this.key);
        if (this.#stopped) return;
        if (this.dirty) this.#schedule(this.delayMs);
        else this.#setStatus('saved');
      })
      .catch((error: unknown) => {
        if (this.#stopped) return;
        this.#failures += 1;
        if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429) {
          // refused (too large, too many drafts, signed out): asking again changes nothing until the words do;
          // the browser's copy keeps them meanwhile
          this.#problem = describeError(error);
          this.#status = 'idle'; // so that 'error' below is a change even when the previous save failed too
          this.#setStatus('error');
          return;
        }
        this.#setStatus('error');
        const backoff = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.#failures - 1));
        const wait = error instanceof ApiError && error.retryAfter ? Math.max(backoff, error.retryAfter * 1000) : backoff;
        this.#schedule(wait);
      })
      .finally(() => {
        this.#inFlight = null;
        if (pendingSaves.get(this.key) === attempt) pendingSaves.delete(this.key);
      });
    this.#inFlight = attempt;
    pendingSaves.set(this.key, attempt);
    await attempt;
  }

  #setStatus(status: DraftStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.dispatchEvent(new Event('change'));
  }
}

/** The autosave line under a composer, in words. */
export function saveStatusText<T>(draft: DraftStore<T>): string {
  switch (draft.status) {
    case 'saving':
      return 'Saving…';
    case 'saved':
      return 'Saved';
    case 'error':
      if (draft.problem) return `Not saved: ${draft.problem} Your words are kept in this browser.`;
      return reachability.ok ? 'Not saved — will retry' : 'Not saved on Setback yet — kept in this browser, and saved when Setback is back.';
    default:
      return 'Your draft saves automatically.';
  }
}
