import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuthService } from '../auth/auth.service.js';
import { verifyPassword } from '../auth/passwords.js';
import type { Viewer } from '../access/viewer.js';
import { DomainError, notFound } from '../common/errors.js';
import { excerptFromMarkdown } from '../common/markdown.js';
import { StoriesService } from '../stories/stories.service.js';
import { RepliesRepository } from '../replies/replies.repository.js';
import { ThreadsRepository } from '../stories/threads.repository.js';
import { eraseRecoveryCodes } from '../auth/recovery-codes.js';
import { DraftsService } from '../drafts/drafts.service.js';
import { ModerationAccountService } from '../moderation/moderation-account.service.js';
import { NotificationsAccountService } from '../notifications/notifications-account.service.js';
import { ReactionsRepository } from '../reactions/reactions.repository.js';
import { RevisionsRepository } from '../stories/revisions.repository.js';
import { BlocksService } from '../users/blocks.service.js';
import { UsersRepository } from '../users/users.repository.js';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { SupportService } from '../support/support.service.js';
import { ArcAccountService } from '../arc/arc-account.service.js';

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
const REMOVED_STORY = '<p><em>The author removed this story.</em></p>';

/** A member's own account: taking their words with them, leaving, pausing notifications and muting stories. */
@Injectable()
export class AccountService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auth: AuthService,
    private readonly stories: StoriesService,
    private readonly users: UsersRepository,
    private readonly threadsRepo: ThreadsRepository,
    private readonly repliesRepo: RepliesRepository,
    private readonly drafts: DraftsService,
    private readonly blocks: BlocksService,
    private readonly reactions: ReactionsRepository,
    private readonly revisions: RevisionsRepository,
    private readonly notifications: NotificationsAccountService,
    private readonly moderation: ModerationAccountService,
    private readonly events: EventEmitter2,
    private readonly support: SupportService,
    private readonly arc: ArcAccountService,
  ) {}

  /** Everything the member wrote and their account data; nothing of anyone else's. */
  async export(viewer: Viewer) {
    const q = <T>(sql: string) => this.dataSource.query(sql, [viewer.id]) as Promise<T[]>;
    const user = await this.users.exportAccount(viewer.id);
    if (!user) throw notFound('That account');
    const threads = await this.threadsRepo.exportFor(viewer.id);
    const replies = await this.repliesRepo.exportFor(viewer.id);
    const drafts = await this.drafts.exportFor(viewer.id);
    const { threads: threadReactions, replies: replyReactions } = await this.reactions.exportFor(viewer.id);
    const blocks = await this.blocks.exportFor(viewer.id);
    const { notifications, mutes } = await this.notifications.exportFor(viewer.id);
    const hides = await q<{ thread_id: string; pseudonym: string }>('SELECT thread_id, pseudonym FROM pseudonym_hides WHERE user_id = $1 ORDER BY created_at');
    const supportMessages = await this.support.exportFor(viewer.id);
    const arc = await this.arc.exportFor(viewer.id);
    return {
      format: 'setback-export',
      version: 1,
      exportedAt: new Date().toISOString(),
      account: { id: user.id, username: user.username, role: user.role, createdAt: iso(user.createdAt), breakUntil: iso(user.breakUntil) },
      stories: threads.map((t) => ({
        id: t.id, title: t.title, category: t.category, anonymous: t.anonymous, happened: t.happened_md, handled: t.handled_md, learned: t.learned_md,
        contentWarning: t.content_warning, status: t.status, createdAt: iso(t.created_at), editedAt: iso(t.edited_at), deletedAt: iso(t.deleted_at),
      })),
      replies: replies.map((r) => ({ id: r.id, threadId: r.thread_id, anonymous: r.anonymous, body: r.body_md, status: r.status, createdAt: iso(r.created_at), editedAt: iso(r.edited_at), deletedAt: iso(r.deleted_at) })),
      drafts: drafts.map((d) => ({ key: d.key, data: d.data, updatedAt: iso(d.updated_at) })),
      reactionsGiven: [
        ...threadReactions.map((r) => ({ threadId: r.thread_id, kind: r.kind, createdAt: iso(r.created_at) })),
        ...replyReactions.map((r) => ({ replyId: r.reply_id, kind: r.kind, createdAt: iso(r.created_at) })),
      ],
      blocks: blocks.map((b) => ({ username: b.username, createdAt: iso(b.created_at) })),
      mutedStories: mutes.map((m) => m.thread_id),
      hiddenPseudonyms: hides.map((h) => ({ threadId: h.thread_id, pseudonym: h.pseudonym })),
      notifications: notifications.map((n) => ({ kind: n.kind, threadId: n.thread_id, replyId: n.reply_id, text: n.text, read: n.read_at !== null, createdAt: iso(n.created_at) })),
      ...arc,
      messagesWithTheTeam: supportMessages.map((m) => ({ from: m.from, ...(m.moderator ? { moderator: m.moderator.username } : {}), bodyHtml: m.bodyHtml, createdAt: m.createdAt })),
    };
  }

  /**
   * Leaving. anonymize: their posts stay, named ones shown as a former member, anonymous ones under the pseudonyms
   * they always had, and the name is gone. erase: the text of every
   * post is removed too (placeholders keep conversations whole), with all personal data. Logged without content.
   */
  async leave(viewer: Viewer, password: string, mode: 'anonymize' | 'erase'): Promise<void> {
    const hash = await this.users.passwordHash(viewer.id);
    if (!hash || !(await verifyPassword(hash, password))) {
      throw new DomainError('INVALID_CREDENTIALS', 'That password is not right.', { errors: [{ field: 'password', message: 'That password is not right' }] });
    }
    const tombstone = `former_${randomBytes(6).toString('hex')}`;
    const touched = await this.dataSource.transaction(async (em) => {
      // Anonymous posts are left exactly as they were, pseudonym and all: were they to change now, at the same moment
      // as the named ones, a before/after comparison would tie them to the name and to one another. Only named
      // posts change (to "Former member", through users.deleted_at); only they are marked as changed for catch-up
      // and only their stories are announced. Erasing removes every text, so there everything changes.
      const all = mode === 'erase';
      const threads = await this.threadsRepo.idsByAuthor(em, viewer.id, all);
      const replyThreads = await this.repliesRepo.threadIdsByAuthor(em, viewer.id, all);
      await this.threadsRepo.markChangedByAuthor(em, viewer.id, all);
      await this.repliesRepo.markChangedByAuthor(em, viewer.id, all);
      if (mode === 'erase') {
        await this.threadsRepo.eraseTextByAuthor(em, viewer.id, REMOVED_STORY, excerptFromMarkdown('The author removed this story.'));
        await this.repliesRepo.eraseTextByAuthor(em, viewer.id);
        await this.revisions.eraseBy(em, viewer.id);
        await this.reactions.eraseFor(em, viewer.id);
        await this.moderation.forgetReporter(em, viewer.id);
        for (const threadId of replyThreads) await this.repliesRepo.recount(em, threadId);
      }
      await this.support.eraseFor(em, viewer.id);
      await this.arc.eraseFor(em, viewer.id, mode);
      // each owner erases its own rows (docs/ownership.md)
      await this.drafts.eraseFor(em, viewer.id);
      await this.blocks.eraseFor(em, viewer.id);
      await this.notifications.eraseFor(em, viewer.id);
      await em.query(`DELETE FROM pseudonym_hides WHERE user_id = $1`, [viewer.id]);
      await eraseRecoveryCodes(em, viewer.id);
      await this.users.tombstone(em, viewer.id, tombstone);
      await this.moderation.logLeaving(em, viewer.id, mode);
      return [...new Set([...threads, ...replyThreads])];
    });
    await this.auth.revokeAll(viewer.id, 'account-deleted');
    for (const threadId of touched) this.events.emit('thread.updated', { threadId, sections: mode === 'erase' });
  }

  async takeBreak(viewer: Viewer, days: number): Promise<{ breakUntil: string }> {
    return { breakUntil: (await this.users.startBreak(viewer.id, days)).toISOString() };
  }

  async endBreak(viewer: Viewer): Promise<{ breakUntil: null }> {
    await this.users.endBreak(viewer.id);
    return { breakUntil: null };
  }

  async mute(viewer: Viewer, threadId: string, on: boolean): Promise<{ muted: boolean }> {
    const t = await this.stories.loadReadable(viewer, threadId);
    await this.notifications.setMuted(viewer.id, t.id, on);
    return { muted: on };
  }
}
