// Which content-warned stories this reader chose to show, remembered per reader in localStorage.
const PREFIX = 'setback.cw.v1.';
const MAX_REMEMBERED = 500;

export class RevealStore extends EventTarget {
  #readerId = 'anonymous';
  #ids: string[] = [];

  /** Switches to the given reader's remembered choices. */
  useReader(readerId: string | null | undefined): void {
    const next = readerId ?? 'anonymous';
    if (next === this.#readerId && this.#ids.length) return;
    this.#readerId = next;
    this.#ids = this.#read();
    this.dispatchEvent(new Event('change'));
  }

  isRevealed(threadId: string): boolean {
    return this.#ids.includes(threadId);
  }

  set(threadId: string, revealed: boolean): void {
    this.#ids = this.#ids.filter((id) => id !== threadId);
    if (revealed) this.#ids.push(threadId);
    if (this.#ids.length > MAX_REMEMBERED) this.#ids = this.#ids.slice(-MAX_REMEMBERED);
    try {
      localStorage.setItem(PREFIX + this.#readerId, JSON.stringify(this.#ids));
    } catch {
      // Storage full or disabled: the choice still holds for this page view.
    }
    this.dispatchEvent(new Event('change'));
  }

  #read(): string[] {
    try {
      const raw = localStorage.getItem(PREFIX + this.#readerId);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  }
}

export const reveals = new RevealStore();
