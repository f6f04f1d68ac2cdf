// The signed-in member (from GET /api/auth/me), as an EventTarget that says 'change'.
import type { MeView, UserView } from '../../../src/contract/views.js';
import { api, ApiError, apiEvents, UNAUTHENTICATED_EVENT } from '../api.js';

export type SessionStatus = 'unknown' | 'signed-in' | 'signed-out';

export class SessionStore extends EventTarget {
  #user: MeView | null = null;
  #status: SessionStatus = 'unknown';
  #signingOut = false;

  /** True while this tab signs out (so the server's goodbye on the socket is not news). */
  get signingOut(): boolean {
    return this.#signingOut;
  }

  get user(): MeView | null {
    return this.#user;
  }

  get status(): SessionStatus {
    return this.#status;
  }

  get isModerator(): boolean {
    return this.#user?.role === 'moderator' || this.#user?.role === 'admin';
  }

  /** Asks the server who we are. 401 → signed out; other failures are thrown to the caller. */
  async load(): Promise<MeView | null> {
    try {
      const me = await api.get<MeView>('/auth/me');
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
  setUser(user: UserView | MeView): void {
    const me: MeView = { unreadNotifications: 0, ...user };
    this.#set(me, 'signed-in');
    void this.load().catch(() => undefined);
  }

  clear(): void {
    if (this.#status === 'signed-out' && !this.#user) return;
    this.#set(null, 'signed-out');
  }

  async signOut(): Promise<void> {
    this.#signingOut = true;
    try {
      await api.post<void>('/auth/logout');
    } catch (error) {
      // Already signed out on the server: treat as done. Anything else is for the caller to show.
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    } finally {
      this.#signingOut = false;
    }
    this.clear();
  }

  #set(user: MeView | null, status: SessionStatus): void {
    this.#user = user;
    this.#status = status;
    this.dispatchEvent(new Event('change'));
  }
}

export const session = new SessionStore();

// Any request that finds the session gone signs the reader out locally.
apiEvents.addEventListener(UNAUTHENTICATED_EVENT, () => session.clear());
