// The signed-in member (from GET /api/auth/me), as an EventTarget that says 'change'.
import type { MeView, UserView } from '../../../src/contract/views.js';
import { api, ApiError, apiEvents, UNAUTHENTICATED_EVENT } from '../api.js';

export type SessionStatus = 'unknown' | 'signed-in' | 'signed-out';

/** GET /api/auth/me also says whether the member is on a break and has two-factor sign-in on (not yet in MeView). */
export type Me = MeView & { breakUntil?: string | null; twoFactor?: boolean };

export class SessionStore extends EventTarget {
  #user: Me | null = null;
  #status: SessionStatus = 'unknown';
  #signingOut = false;

  /** True while this tab signs out (so the server's goodbye on the socket is not news). */
  get signingOut(): boolean {
    return this.#signingOut;
  }

  get user(): Me | null {
    return this.#user;
  }

  get status(): SessionStatus {
    return this.#status;
  }

  get isModerator(): boolean {
    return this.#user?.role === 'moderator' || this.#user?.role === 'admin';
  }

  /** Asks the server who we are. 401 → signed out; other failures are thrown to the caller. */
  async load(): Promise<Me | null> {
    try {
      const me = await api.get<Me>('/auth/me');
      this.#set(me, 'signed-in');
      return me;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.#set(null, 'signed-out');
        return null;
      }
      throw error;
    }
  }

  /** After register/login: the response is a UserView; unread counts arrive with the next refresh. */
  setUser(user: UserView | Me): void {
    const me: Me = { unreadNotifications: 0, breakUntil: null, twoFactor: false, suspendedUntil: null, ...user };
    this.#set(me, 'signed-in');
    void this.load().catch(() => undefined);
  }

  clear(): void {
    if (this.#status === 'signed-out' && !this.#user) return;
    this.#set(null, 'signed-out');
  }

  /** The break the member is on (ISO end), or null; said as a 'change'. */
  setBreak(until: string | null): void {
    if (this.#user) this.#set({ ...this.#user, breakUntil: until }, 'signed-in');
  }

  /** When the current break ends, or null when there is none (or it is over). */
  get breakUntil(): Date | null {
    const until = this.#user?.breakUntil ? new Date(this.#user.breakUntil) : null;
    return until && until.getTime() > Date.now() ? until : null;
  }

  /** When the member's suspension ends, or null when they are not suspended (or it is over). */
  get suspendedUntil(): Date | null {
    const until = this.#user?.suspendedUntil ? new Date(this.#user.suspendedUntil) : null;
    return until && until.getTime() > Date.now() ? until : null;
  }

  signOut(): Promise<void> {
    return this.endWith(async () => {
      try {
        await api.post<void>('/auth/logout');
      } catch (error) {
        // Already signed out on the server: treat as done. Anything else is for the caller to show.
        if (!(error instanceof ApiError && error.status === 401)) throw error;
      }
    });
  }

  /**
   * Runs a request that ends this session on purpose (sign out, sign out everywhere, leaving), then forgets
   * the member here. While it runs, the server's goodbye on the socket is not news (signingOut).
   */
  async endWith(run: () => Promise<void>): Promise<void> {
    this.#signingOut = true;
    try {
      await run();
      this.clear();
    } finally {
      this.#signingOut = false;
    }
  }

  #set(user: Me | null, status: SessionStatus): void {
    this.#user = user;
    this.#status = status;
    this.dispatchEvent(new Event('change'));
  }
}

export const session = new SessionStore();

// Any request that finds the session gone signs the reader out locally.
apiEvents.addEventListener(UNAUTHENTICATED_EVENT, () => session.clear());
