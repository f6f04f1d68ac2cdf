import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.js';
import { AccessChangeListener } from '../database/access-signal.js';
import { RealtimeService, userRoom } from './realtime.service.js';

/**
 * Access changed outside the app (`npm run user:role`): PostgreSQL tells every instance (src/database/access-signal.ts),
 * and each ends that member's sockets it holds itself, as `user.access_changed` does for a change made through the app.
 */
@Injectable()
export class AccessSignalListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private listener: AccessChangeListener | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly realtime: RealtimeService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // the embedded database cannot be opened by a command while the server runs: nothing can change behind its back
    if (!this.config.databaseUrl) return;
    // every instance hears the signal itself, so each ends only its own sockets (no fan-out through the adapter)
    this.listener = new AccessChangeListener(this.config.databaseUrl, (userId) => this.realtime.io?.local.in(userRoom(userId)).disconnectSockets(true));
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.close();
  }
}
