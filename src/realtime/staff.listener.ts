import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AlertsService } from '../alerts/alerts.service.js';
import type { DomainEvents } from '../common/events.js';
import { ServerEvents } from '../contract/views.js';
import { RealtimeService, STAFF_ROOM, userRoom } from './realtime.service.js';

/** Alerts to every staff socket (through the adapter: on every instance), and withdrawn notifications to their owners. */
@Injectable()
export class StaffListener {
  private readonly logger = new Logger('Realtime');

  constructor(
    private readonly realtime: RealtimeService,
    private readonly alerts: AlertsService,
  ) {}

  private safely(what: string, run: () => Promise<void>): Promise<void> {
    return run().catch((e: unknown) => this.logger.error(`${what} could not be delivered: ${e instanceof Error ? e.stack : String(e)}`));
  }

  private async pushAlert(alertId: string): Promise<void> {
    const io = this.realtime.io;
    if (!io) return;
    const view = await this.alerts.getView(alertId);
    if (view) io.to(STAFF_ROOM).emit(ServerEvents.modAlert, view);
  }

  @OnEvent('alert.raised', { async: true })
  onAlertRaised(e: DomainEvents['alert.raised']): Promise<void> {
    return this.safely('mod.alert', () => this.pushAlert(e.alertId));
  }

  @OnEvent('alert.resolved', { async: true })
  onAlertResolved(e: DomainEvents['alert.resolved']): Promise<void> {
    return this.safely('mod.alert', () => this.pushAlert(e.alertId));
  }

  @OnEvent('notification.removed', { async: true })
  onNotificationRemoved(e: DomainEvents['notification.removed']): Promise<void> {
    return this.safely('notification.removed', async () => {
      this.realtime.io?.to(userRoom(e.userId)).emit(ServerEvents.notificationRemoved, { ids: e.ids });
    });
  }
}
