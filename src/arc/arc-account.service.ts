import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The arc's part of a member's export and of their leaving (src/privacy): the follow-ups, reminders and highlights they made. */
@Injectable()
export class ArcAccountService {
  constructor(private readonly dataSource: DataSource) {}

  async exportFor(memberId: string) {
    const followUps: { thread_id: string; body_md: string; created_at: Date }[] = await this.dataSource.query(
      `SELECT thread_id, body_md, created_at FROM follow_ups WHERE author_id = $1 ORDER BY id`,
      [memberId],
    );
    const reminders: { thread_id: string; in_months: number; due_at: Date; fired_at: Date | null }[] = await this.dataSource.query(
      `SELECT thread_id, in_months, due_at, fired_at FROM follow_up_reminders WHERE user_id = $1 ORDER BY due_at`,
      [memberId],
    );
    const highlights: { thread_id: string; reply_id: string; created_at: Date }[] = await this.dataSource.query(
      `SELECT h.thread_id, h.reply_id::text AS reply_id, h.created_at FROM reply_highlights h JOIN threads t ON t.id = h.thread_id
        WHERE t.author_id = $1 ORDER BY h.created_at`,
      [memberId],
    );
    return {
      followUps: followUps.map((f) => ({ threadId: f.thread_id, body: f.body_md, createdAt: iso(f.created_at) })),
      followUpReminders: reminders.map((r) => ({ threadId: r.thread_id, inMonths: r.in_months, dueAt: iso(r.due_at), firedAt: iso(r.fired_at) })),
      highlightedReplies: highlights.map((h) => ({ threadId: h.thread_id, replyId: h.reply_id, createdAt: iso(h.created_at) })),
    };
  }

  /**
   * In the leaving transaction. Either way their reminders go (nobody is left to remind). Erasing removes their
   * follow-ups' words with the stories' and the marks they made on their stories' replies; anonymizing keeps
   * both, shown under the story's former-member name or its pseudonym, as the story itself is.
   */
  async eraseFor(em: EntityManager, memberId: string, mode: 'anonymize' | 'erase'): Promise<void> {
    await em.query(`DELETE FROM follow_up_reminders WHERE user_id = $1`, [memberId]);
    if (mode !== 'erase') return;
    await em.query(`DELETE FROM follow_ups WHERE author_id = $1`, [memberId]);
    await em.query(`DELETE FROM reply_highlights h USING threads t WHERE t.id = h.thread_id AND t.author_id = $1`, [memberId]);
  }
}
