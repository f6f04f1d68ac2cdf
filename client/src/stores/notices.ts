// One-shot notices handed from one screen to the next (e.g. compose → story: "waiting for review",
// or the safety resources the server attached to a newly published story).
import type { SafetyResource } from '../components/crisis.js';

export interface ArrivalNotice {
  pending?: boolean;
  safety?: { crisis: boolean; resources: SafetyResource[] };
}

const notices = new Map<string, ArrivalNotice>();

export function leaveNotice(threadId: string, notice: ArrivalNotice): void {
  notices.set(threadId, notice);
}

/** Returns and forgets the notice for a thread. */
export function takeNotice(threadId: string): ArrivalNotice | null {
  const notice = notices.get(threadId) ?? null;
  notices.delete(threadId);
  return notice;
}

/** What the reader sees on the welcome screen after leaving Setback (from this tab or another). */
export const GOODBYE = 'Your account is closed. Thank you for being part of Setback — we wish you well.';

/** One calm message for the next screen that asks (e.g. the welcome screen after a session ended). */
let flash: string | null = null;

export function setFlash(message: string): void {
  flash = message;
}

export function takeFlash(): string | null {
  const message = flash;
  flash = null;
  return message;
}
