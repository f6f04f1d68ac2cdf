import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ThreadsRepository } from '../stories/threads.repository.js';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The arc's part of a member's export and of their leaving (src/privacy): the follow-ups, reminders and highlights they made. */
@Injectable()
export class ArcAccountService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly threads: ThreadsRepository,
  ) {}

  async exportFor(memberId: string) {
    const followUps: { thread_id: string; body_md: string; created_at: Date }[] = await this.dataSource.query(
      `SELECT thread_id, body_md, created_at FROM follow_ups WHERE author_id = $1 ORDER BY id`,
      [memberId],
    );
    const reminders: { thread_id: string; in_months: number; due_at: Date; fired_at: Date | null }[] = await this.dataSource.query(
      `SELECT thread_id, in_months, due_at, fired_at FROM follow_up_reminders WHERE user_id = $1 ORDER BY due_at`,
      [memberId],
    );
    const own = await this.threads.idsByAuthor(this.dataSource.manager, memberId, true);
    const highlights: { thread_id: string; reply_id: string; created_at: Date }[] = await this.dataSource.query(
      `SELECT thread_id, reply_id::text AS reply_id, created_at FROM reply_highlights WHERE thread_id = ANY($1::uuid[]) ORDER BY created_at, reply_id`,
      [own],
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
    await em.query(`DELETE FROM reply_highlights WHERE thread_id = ANY($1::uuid[])`, [await this.threads.idsByAuthor(em, memberId, true)]);
  }
}
