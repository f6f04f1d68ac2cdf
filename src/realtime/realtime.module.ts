import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { RepliesModule } from '../replies/replies.module.js';
import { SafetyModule } from '../safety/safety.module.js';
import { StoriesModule } from '../stories/stories.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccessSignalListener } from './access-signal.listener.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { RealtimeListener } from './realtime.listener.js';
import { RealtimeMetrics } from './realtime.metrics.js';
import { RealtimeService } from './realtime.service.js';
import { SafetyStatusBroadcaster } from './safety-status.broadcaster.js';
import { SupportListener } from './support.listener.js';
import { StaffListener } from './staff.listener.js';

@Module({
  imports: [AlertsModule, AuthModule, StoriesModule, RepliesModule, NotificationsModule, SafetyModule, UsersModule],
  providers: [RealtimeGateway, RealtimeService, RealtimeMetrics, RealtimeListener, AccessSignalListener, StaffListener, SupportListener, SafetyStatusBroadcaster],
})
export class RealtimeModule {}
