// The reader's unread notification count: from GET /api/auth/me at sign-in, then kept current by live
// `notification` events and by marking notifications read. An EventTarget that says 'change'.
import type { NotificationView } from '../../../src/contract/views.js';
import { api } from '../api.js';
import { live } from './live.js';
import { session } from './session.js';

export class NotificationsStore extends EventTarget {
  #unread = 0;
  readonly #seen = new Set<string>();

  get unread(): number {
    return this.#unread;
  }

  /** Sets the count from the server (auth/me or a mark-read answer). */
  setUnread(n: number): void {
    const next = Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
    if (next === this.#unread) return;
    this.#unread = next;
    this.dispatchEvent(new Event('change'));
  }

  /**
   * A notification pushed live: a new one is counted once; a group that grew or shrank (`update`) replaces the one
   * the reader has and adds nothing to the count (it was one unread notification and still is). Listeners get a
   * 'notification' event with it either way, and replace by id.
   */
  received(n: NotificationView): void {
    if (!n || typeof n.id !== 'string') return;
    if (n.update) {
      this.#seen.add(n.id);
      this.dispatchEvent(new CustomEvent<NotificationView>('notification', { detail: n }));
      return;
    }
    if (this.#seen.has(n.id)) return;
    this.#seen.add(n.id);
    if (!n.read) this.setUnread(this.#unread + 1);
    this.dispatchEvent(new CustomEvent<NotificationView>('notification', { detail: n }));
  }

  /**
   * Notifications withdrawn by the server (the reply or story behind them was hidden or removed): listeners get a
   * 'removed' event with their ids, and the unread count is asked again (the server knows which were unread).
   */
  removed(ids: string[]): void {
    if (!Array.isArray(ids) || !ids.length) return;
    this.dispatchEvent(new CustomEvent<string[]>('removed', { detail: ids }));
    void api
      .get<{ unread: number }>('/notifications?limit=1')
      .then((page) => typeof page?.unread === 'number' && this.setUnread(page.unread))
      .catch(() => undefined);
  }

  async markRead(ids: string[]): Promise<void> {
    if (!ids.length) return;
    const res = await api.post<{ unread: number }>('/notifications/read', { ids });
    if (typeof res?.unread === 'number') this.setUnread(res.unread);
  }

  async markAllRead(): Promise<void> {
    const res = await api.post<{ unread: number }>('/notifications/read', { all: true });
    this.setUnread(typeof res?.unread === 'number' ? res.unread : 0);
  }
}

export const notifications = new NotificationsStore();

session.addEventListener('change', () => notifications.setUnread(session.user?.unreadNotifications ?? 0));
live.on('notification', (n) => notifications.received(n));
live.on('notification.removed', (e) => notifications.removed(e?.ids ?? []));
