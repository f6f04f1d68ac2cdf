// A copy, in this browser, of what a member is writing (a story, a reply), kept per member in localStorage at every
// change, so that words typed offline survive a closed tab. The server's draft stays the one that follows the member
// between devices; this copy is the fallback, offered back ("You have unsent words from …") and never sent by itself.
//
// A copy may also be a note that the server's draft for that key is finished with (sent, or discarded) while the
// server could not be told: the next time the key is opened, the server's draft of that time or older is deleted
// instead of coming back into the box.

const PREFIX = 'setback.words.v1.';

export interface LocalCopy<T> {
  data: T;
  /** When it was written (this device's clock). */
  savedAt: string;
}

interface Stored {
  data?: unknown;
  savedAt?: string;
  /** Set on a note: the server's draft up to this updatedAt (the server's clock) is finished with. */
  finished?: string;
}

let reader = 'visitor';

/** The member whose copies are read and written (called when the session changes). */
export function useCopiesOf(memberId: string | null | undefined): void {
  reader = memberId ?? 'visitor';
}

const storageKey = (key: string) => `${PREFIX}${reader}.${key}`;

function read(key: string): Stored | null {
  try {
    const raw = localStorage.getItem(storageKey(key));
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    return parsed && typeof parsed === 'object' ? (parsed as Stored) : null;
  } catch {
    return null;
  }
}

function write(key: string, value: Stored): boolean {
  try {
    localStorage.setItem(storageKey(key), JSON.stringify(value));
    return true;
  } catch {
    return false; // storage full or turned off: the server's draft is all there is
  }
}

export const localCopies = {
  /** Keeps the words now. Returns false when the browser would not store them. */
  keep<T>(key: string, data: T): boolean {
    return write(key, { data, savedAt: new Date().toISOString() });
  },

  /** The words kept for this key, or null (also for a note that the draft is finished with). */
  get<T>(key: string): LocalCopy<T> | null {
    const stored = read(key);
    if (!stored || stored.finished !== undefined || stored.data === undefined || typeof stored.savedAt !== 'string') return null;
    return { data: stored.data as T, savedAt: stored.savedAt };
  },

  forget(key: string): void {
    try {
      localStorage.removeItem(storageKey(key));
    } catch {
      // nothing kept
    }
  },

  /** Notes that the server's draft, as of `serverUpdatedAt` (or any, when null), is finished with. */
  finish(key: string, serverUpdatedAt: string | null): void {
    write(key, { finished: serverUpdatedAt ?? '' });
  },

  /** The note left by finish(): the server's updatedAt up to which its draft is stale ('' = any), or null. */
  finished(key: string): string | null {
    const stored = read(key);
    return stored && typeof stored.finished === 'string' ? stored.finished : null;
  },
};

/** Whether two drafts hold the same words (key order aside: the server's jsonb does not keep it). */
export function sameWords(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
