// Lets screens navigate without importing the router instance (which imports the screens).
type Navigate = (to: string, options?: { replace?: boolean }) => void;

let impl: Navigate = (to) => {
  location.assign(to);
};

export function setNavigator(fn: Navigate): void {
  impl = fn;
}

export function navigate(to: string, options?: { replace?: boolean }): void {
  impl(to, options);
}

/** A screen's say before the reader leaves it: a sentence when leaving now would put words at risk, else null. */
export type LeaveGuard = () => string | null;

const guards = new Set<LeaveGuard>();

/** Registers a guard until the signal aborts (the screen is left). */
export function guardLeaving(guard: LeaveGuard, signal: AbortSignal): void {
  if (signal.aborted) return;
  // the question's own code, fetched now while the connection is there (the router asks with it)
  void import('./components/leave-dialog.js').catch(() => undefined);
  guards.add(guard);
  signal.addEventListener('abort', () => guards.delete(guard), { once: true });
}

/** What the first objecting guard says, or null when the reader may leave freely. */
export function leaveObjection(): string | null {
  for (const guard of guards) {
    const message = guard();
    if (message) return message;
  }
  return null;
}
