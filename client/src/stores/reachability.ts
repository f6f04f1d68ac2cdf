// Whether Setback can be reached, as the requests themselves find it: 'ok', 'offline' (the device has no network)
// or 'down' (the network is there but the server is not answering: a failed fetch while navigator.onLine, or a
// 502/503/504). An EventTarget that says 'change' on every move and 'back' when it returns to 'ok', so stale error
// lines can go and screens reload by themselves.
//
// While not 'ok' it asks GET /api/health now and then (at most every 10 s), and at once when the device comes back
// online or the live connection does; api.ts reports every answer it gets. It knows nothing of api.ts (which
// imports it) and speaks to the server with plain fetch.

export type Reach = 'ok' | 'offline' | 'down';

const PROBE_MIN_MS = 1_000;
const PROBE_MAX_MS = 10_000;

export class Reachability extends EventTarget {
  #state: Reach = 'ok';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  #probing = false;

  constructor() {
    super();
    if (typeof window === 'undefined') return;
    window.addEventListener('offline', () => this.report('offline'));
    window.addEventListener('online', () => this.probe());
    if (navigator.onLine === false) this.#state = 'offline';
  }

  get state(): Reach {
    return this.#state;
  }

  get ok(): boolean {
    return this.#state === 'ok';
  }

  /** What a request found: the server answered ('ok'), there is no network, or the server is not answering. */
  report(state: Reach): void {
    if (state === 'down' && navigator.onLine === false) state = 'offline';
    if (state === this.#state) {
      if (state !== 'ok') this.#schedule();
      return;
    }
    const was = this.#state;
    this.#state = state;
    this.dispatchEvent(new Event('change'));
    if (state === 'ok') {
      this.#failures = 0;
      this.#clear();
      if (was !== 'ok') this.dispatchEvent(new Event('back'));
    } else {
      this.#schedule();
    }
  }

  /** Asks the server now whether it answers (when not 'ok'; a no-op otherwise). */
  probe(): void {
    if (this.#state === 'ok' || this.#probing) return;
    this.#clear();
    if (navigator.onLine === false) {
      this.report('offline');
      return;
    }
    this.#probing = true;
    fetch('/api/health', { cache: 'no-store', credentials: 'same-origin' })
      .then((res) => this.report(res.status >= 502 && res.status <= 504 ? 'down' : 'ok'))
      .catch(() => this.report(navigator.onLine === false ? 'offline' : 'down'))
      .finally(() => {
        this.#probing = false;
        if (this.#state !== 'ok') this.#schedule();
      });
  }

  /** Calls `run` once, the next time Setback is back; never when the signal aborts first. */
  whenBack(run: () => void, signal?: AbortSignal): void {
    if (signal?.aborted) return;
    this.addEventListener('back', run, { once: true, signal });
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#probing) return;
    const wait = Math.min(PROBE_MAX_MS, PROBE_MIN_MS * 2 ** Math.min(this.#failures, 4));
    this.#failures += 1;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.probe();
    }, wait);
  }

  #clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

export const reachability = new Reachability();

