// Staff only: how many alerts wait for a moderator (GET /api/auth/me `openAlerts`), kept current by live
// `mod.alert` pushes (a new alert, or one marked done). An EventTarget that says 'change', and re-dispatches each
// pushed alert as an 'alert' event for the alerts screen.
import type { AlertView } from '../../../src/contract/views.js';
import { live } from './live.js';
import { session } from './session.js';

export class AlertsStore extends EventTarget {
  #open = 0;
  readonly #counted = new Set<string>();
  readonly #done = new Set<string>();

  get open(): number {
    return this.#open;
  }

  set(n: number): void {
    const next = Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
    if (next === this.#open) return;
    this.#open = next;
    this.dispatchEvent(new Event('change'));
  }

  /** A pushed alert: a new one counts once, a done one stops counting (once). */
  received(a: AlertView): void {
    if (!a || typeof a.id !== 'string') return;
    if (a.doneAt === null && !this.#counted.has(a.id) && !this.#done.has(a.id)) {
      this.#counted.add(a.id);
      this.set(this.#open + 1);
    } else if (a.doneAt !== null && !this.#done.has(a.id)) {
      this.#done.add(a.id);
      this.set(this.#open - 1);
    }
    this.dispatchEvent(new CustomEvent<AlertView>('alert', { detail: a }));
  }
}

export const alerts = new AlertsStore();

session.addEventListener('change', () => alerts.set(session.user?.openAlerts ?? 0));
live.on('mod.alert', (a) => alerts.received(a));
