// The reply outbox (stores/outbox.ts) stays out of the main bundle: it is fetched when a story's reply box opens (so
// it is at hand before the connection can drop) or at start when replies wait in it, and told whose it is.
import type * as OutboxModule from './outbox.js';

export const OUTBOX_PREFIX = 'setback.outbox.v1.';

type Loaded = typeof OutboxModule;

let reader: string | null = null;
let loading: Promise<Loaded> | null = null;
let loaded: Loaded | null = null;

/** Replies wait in this member's outbox (read straight from localStorage, without the outbox's code). */
function hasWaiting(memberId: string): boolean {
  try {
    return localStorage.getItem(OUTBOX_PREFIX + memberId) !== null;
  } catch {
    return false;
  }
}

/** The outbox's code, fetched once (again after a failed fetch). */
export function loadOutbox(): Promise<Loaded> {
  loading ??= import('./outbox.js').then(
    (m) => {
      loaded = m;
      m.outbox.useReader(reader);
      return m;
    },
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/** The outbox when its code is already here, else null. */
export function outboxIfLoaded(): Loaded['outbox'] | null {
  return loaded?.outbox ?? null;
}

/** The member whose outbox it is (on start and on every session change); waiting replies go once it is fetched. */
export function useOutboxOf(memberId: string | null | undefined): void {
  reader = memberId ?? null;
  if (loaded) loaded.outbox.useReader(reader);
  else if (reader && hasWaiting(reader)) void loadOutbox().catch(() => undefined);
}
