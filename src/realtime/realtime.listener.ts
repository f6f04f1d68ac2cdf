import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { DomainError } from '../common/errors.js';
import type { Viewer } from '../access/viewer.js';
import type { DomainEvents } from '../common/events.js';
import { ServerEvents } from '../contract/views.js';
import { observeFanout } from '../metrics/fanout.js';
import { SecretsService } from '../database/secrets.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { toReplyView } from '../replies/reply.views.js';
import type { ReplyRow } from '../replies/reply.views.js';
import { RepliesService } from '../replies/replies.service.js';
import { StoriesService } from '../stories/stories.service.js';
import { reactionCounts } from '../stories/thread.views.js';
import { ThreadsRepository } from '../stories/threads.repository.js';
import { BlocksService } from '../users/blocks.service.js';
import { memberRoom, RealtimeService, sessionRoom, staffRoom, userRoom } from './realtime.service.js';

// broadcast views are built for nobody in particular: no "mine", no own reactions, nothing personal
const NOBODY: Viewer = { id: '00000000-0000-0000-0000-000000000000', username: '', role: 'member', sessionId: '', createdAt: new Date(0), suspendedUntil: null };
const STAFF: Viewer = { ...NOBODY, role: 'moderator' };

/**
 * Turns committed domain events into socket emits. Each payload is serialized once per audience (members,
 * moderators) and sent to a room, never built once per socket.
 */
@Injectable()
export class RealtimeListener {
  private readonly logger = new Logger('Realtime');

  constructor(
    private readonly realtime: RealtimeService,
    private readonly replies: RepliesService,
    private readonly stories: StoriesService,
    private readonly secrets: SecretsService,
    private readonly threads: ThreadsRepository,
    private readonly blocks: BlocksService,
    private readonly notifications: NotificationsService,
  ) {}

  private safely(what: string, run: () => Promise<unknown>): Promise<void> {
    return run().then(() => undefined, (e: unknown) => this.logger.error(`${what} could not be delivered: ${e instanceof Error ? e.stack : String(e)}`));
  }

  /**
   * Resolves to whether the push went out: the reply's outbox row is handled only after it did, so if this
   * instance dies (or is shutting down) first, the row stays and the instance that recovers it pushes again.
   */
  @OnEvent('reply.created', { async: true })
  async onReplyCreated(e: DomainEvents['reply.created']): Promise<boolean> {
    const started = e.committedAt ?? performance.now();
    let pushed = false;
    await this.safely('reply.created', async () => {
      // its author stops counting as typing the moment the reply arrives: the count follows the reply at once (a
      // typing count that cannot be had, say Redis is away, must not hold the reply back)
      const typers = e.row ? await this.realtime.stopTyping(e.threadId, e.row.author_id).catch(() => null) : null;
      pushed = await this.pushReply(e.threadId, e.replyId, ServerEvents.replyCreated, e.row);
      if (typers) this.realtime.pushTyping(e.threadId, typers);
      if (pushed) observeFanout((performance.now() - started) / 1000);
    });
    // rare, and worth seeing: readers get this reply only from another instance's outbox sweep, seconds later
    if (!pushed) this.logger.warn(`reply ${e.replyId} was not pushed live here; another instance's outbox sweep will push it`);
    return pushed;
  }

  /**
   * A reply's outbox row recovered by a sweep: its push may never have gone out, so it goes again (readers dedupe by
   * id and place a late reply in order). Resolves to false when this instance cannot push: the row then stays.
   */
  @OnEvent('outbox.recovered', { async: true })
  async onRecovered(e: DomainEvents['outbox.recovered']): Promise<boolean> {
    if (e.topic !== 'reply.created') return true;
    const { threadId, replyId } = e.payload as { threadId: string; replyId: string };
    let pushed = false;
    await this.safely('reply.created (recovered)', async () => {
      try {
        pushed = await this.pushReply(threadId, replyId, ServerEvents.replyCreated);
      } catch (err) {
        // erased since (its author left with their words): nothing is left to push
        if (err instanceof DomainError && err.code === 'NOT_FOUND') pushed = true;
        else throw err;
      }
    });
    return pushed;
  }

  @OnEvent('reply.updated', { async: true })
  onReplyUpdated(e: DomainEvents['reply.updated']): Promise<void> {
    return this.safely('reply.updated', () => this.pushReply(e.threadId, e.replyId, ServerEvents.replyUpdated));
  }

  @OnEvent('reply.removed', { async: true })
  onReplyRemoved(e: DomainEvents['reply.removed']): Promise<void> {
    return this.safely('reply.removed', () => this.pushReply(e.threadId, e.replyId, ServerEvents.replyRemoved));
  }

  private async pushReply(threadId: string, replyId: string, event: string, committed?: ReplyRow): Promise<boolean> {
    const io = this.realtime.io;
    if (!io) return false;
    const row = committed ?? (await this.replies.loadRow(NOBODY, replyId));
    const staffView = toReplyView(row, STAFF, this.secrets.appSecret, 'staff');
    // moderators see every change in full, including what members no longer see
    io.to(staffRoom(threadId)).emit(event === ServerEvents.replyRemoved ? ServerEvents.replyUpdated : event, staffView);
    if (row.held) {
      // a reply awaiting review reaches only its author (and the moderators above)
      io.to(userRoom(row.author_id)).except(staffRoom(threadId)).emit(event, toReplyView(row, STAFF, this.secrets.appSecret, 'member'));
      return true;
    }
    // members who blocked the author get nothing of their named replies; an anonymous reply reaches everyone alike
    const blockers = row.named ? await this.blocks.blockersOf(row.author_id) : [];
    const target = io.to(memberRoom(threadId)).except(blockers.map((id) => userRoom(id)));
    if (row.gone || event === ServerEvents.replyRemoved) target.emit(ServerEvents.replyRemoved, { id: row.id, threadId });
    else target.emit(event, toReplyView(row, NOBODY, this.secrets.appSecret, 'member'));
    return true;
  }

  /**
   * New counts, read at push time (so the last push carries the latest), to whoever sees the target: a reply only
   * members see in full goes to the members' room, minus those who blocked its named author (their placeholder
   * has no counts); one awaiting review to its author; a hidden or deleted one, or a story not public, to staff
   * (and the story's author).
   */
  @OnEvent('reaction.updated', { async: true })
  onReactionUpdated(e: DomainEvents['reaction.updated']): Promise<void> {
    return this.safely('reaction.updated', async () => {
      const io = this.realtime.io;
      if (!io) return;
      const staff = staffRoom(e.threadId);
      const members = memberRoom(e.threadId);
      if (e.targetType === 'thread') {
        const t = await this.threads.reactionAudience(e.threadId);
        if (!t) return;
        const payload = { targetType: e.targetType, targetId: e.targetId, threadId: e.threadId, reactions: reactionCounts(t.reactions) };
        io.to(t.public ? [members, staff] : [staff, userRoom(t.author_id)]).emit(ServerEvents.reactionUpdated, payload);
        return;
      }
      const row = await this.replies.loadRow(NOBODY, e.targetId);
      const payload = { targetType: e.targetType, targetId: row.id, threadId: row.thread_id, reactions: reactionCounts(row.reactions) };
      io.to(staff).emit(ServerEvents.reactionUpdated, payload);
      if (row.gone) return;
      if (row.held) {
        io.to(userRoom(row.author_id)).except(staff).emit(ServerEvents.reactionUpdated, payload);
        return;
      }
      const blockers = row.named ? await this.blocks.blockersOf(row.author_id) : [];
      io.to(members).except(blockers.map((id) => userRoom(id))).emit(ServerEvents.reactionUpdated, payload);
    });
  }

  @OnEvent('thread.updated', { async: true })
  onThreadUpdated(e: DomainEvents['thread.updated']): Promise<void> {
    return this.safely('thread.updated', async () => {
      const io = this.realtime.io;
      if (!io) return;
      const row = await this.threads.broadcastRow(e.threadId);
      if (!row) return;
      io.to(staffRoom(row.id)).emit(ServerEvents.threadUpdated, await this.stories.view(STAFF, row, { sections: e.sections }));
      const room = memberRoom(row.id);
      if (row.gone) {
        // readers in the room learn it is gone, then hear nothing more from it
        io.to(room).emit(ServerEvents.threadUpdated, { id: row.id, hidden: row.hidden, deleted: row.deleted_at !== null });
        io.in(room).socketsLeave(room);
        return;
      }
      if (!row.public) {
        // awaiting review (or rejected): only its author may still read it, everyone else is let go
        const author = userRoom(row.author_id);
        io.to(room).except(author).emit(ServerEvents.threadUpdated, { id: row.id, hidden: true, deleted: false });
        io.in(room).except(author).socketsLeave(room);
        // to the author's own sockets: a room broadcast could still reach readers on instances not yet told to leave
        io.to(author).emit(ServerEvents.threadUpdated, await this.stories.view(NOBODY, row, { sections: e.sections }));
        return;
      }
      io.to(room).emit(ServerEvents.threadUpdated, await this.stories.view(NOBODY, row, { sections: e.sections }));
    });
  }

  @OnEvent('notification.created', { async: true })
  onNotification(e: DomainEvents['notification.created']): Promise<void> {
    return this.safely('notification', async () => {
      const view = e.view ?? (await this.notifications.getView(e.userId, e.notificationId));
      if (view) this.realtime.io?.to(userRoom(e.userId)).emit(ServerEvents.notification, view);
    });
  }

  @OnEvent('user.access_changed', { async: true })
  onAccessChanged(e: DomainEvents['user.access_changed']): Promise<void> {
    return this.safely('user.access_changed', async () => {
      // on every instance: the client connects again and rejoins its story, now under the new rights
      this.realtime.io?.in(userRoom(e.userId)).disconnectSockets(true);
    });
  }

  @OnEvent('sessions.ended', { async: true })
  onSessionsEnded(e: DomainEvents['sessions.ended']): Promise<void> {
    return this.safely('session.ended', async () => {
      const io = this.realtime.io;
      if (!io) return;
      const rooms = e.sessionIds === 'all' ? [userRoom(e.userId)] : e.sessionIds.map(sessionRoom);
      io.to(rooms).emit(ServerEvents.sessionEnded, { reason: e.reason });
      // on every instance (through the adapter), after the goodbye has been sent
      io.in(rooms).disconnectSockets(true);
    });
  }
}
