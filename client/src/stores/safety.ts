// Safety mode (GET /api/safety/status, then the live `safety.status` pushes): whether a moderator is on duty.
// An EventTarget that says 'change'; visitors get the status too (the route is public, the socket is not).
import type { SafetyStatusView } from '../../../src/contract/views.js';
import { api } from '../api.js';
import { live, LiveEvent } from './live.js';

const isStatus = (v: unknown): v is SafetyStatusView => {
  const s = v as SafetyStatusView | null;
  return !!s && typeof s.safetyMode === 'boolean' && typeof s.moderatorsOnDuty === 'number' && Array.isArray(s.resources);
};

export class SafetyStore extends EventTarget {
  #status: SafetyStatusView | null = null;
  #loading: Promise<void> | null = null;

  constructor() {
    super();
    live.addEventListener('safety.status', (event) => {
      if (event instanceof LiveEvent && isStatus(event.data)) this.#set(event.data);
    });
  }

  get status(): SafetyStatusView | null {
    return this.#status;
  }

  /** Asks the server once (again after a failure); a failure leaves no banner rather than a wrong one. */
  load(): Promise<void> {
    this.#loading ??= api
      .get<SafetyStatusView>('/safety/status')
      .then((s) => {
        if (isStatus(s)) this.#set(s);
      })
      .catch(() => {
        this.#loading = null;
      });
    return this.#loading;
  }

  #set(s: SafetyStatusView): void {
    const before = this.#status;
    this.#status = s;
    if (!before || before.safetyMode !== s.safetyMode || before.moderatorsOnDuty !== s.moderatorsOnDuty) this.dispatchEvent(new Event('change'));
  }
}

export const safety = new SafetyStore();
