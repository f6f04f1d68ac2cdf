import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { DomainEvents } from '../common/events.js';
import { ServerEvents } from '../contract/views.js';
import { RealtimeService, STAFF_ROOM, userRoom } from './realtime.service.js';

/** `support.message`: the member's view to their own sockets, the staff view (with the moderator's name) to every staff socket. */
@Injectable()
export class SupportListener {
  private readonly logger = new Logger('Realtime');

  constructor(private readonly realtime: RealtimeService) {}

  @OnEvent('support.message_created', { async: true })
  onSupportMessage(e: DomainEvents['support.message_created']): void {
    try {
      const io = this.realtime.io;
      if (!io) return;
      // a moderator's own conversation reaches their sockets once, as staff
      io.to(userRoom(e.memberId)).except(STAFF_ROOM).emit(ServerEvents.supportMessage, e.memberView);
      io.to(STAFF_ROOM).emit(ServerEvents.supportMessage, e.staffView);
    } catch (err) {
      this.logger.error(`support.message could not be delivered: ${err instanceof Error ? err.stack : String(err)}`);
    }
  }
}
