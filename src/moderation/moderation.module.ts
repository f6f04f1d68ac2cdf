import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { RepliesModule } from '../replies/replies.module.js';
import { SafetyModule } from '../safety/safety.module.js';
import { StoriesModule } from '../stories/stories.module.js';
import { UsersModule } from '../users/users.module.js';
import { ModerationController, ReportsController } from './moderation.controller.js';
import { ModerationAccountService } from './moderation-account.service.js';
import { ModerationService } from './moderation.service.js';
import { ReportsService } from './reports.service.js';

@Module({
  imports: [AlertsModule, AuthModule, StoriesModule, RepliesModule, NotificationsModule, SafetyModule, UsersModule],
  controllers: [ModerationController, ReportsController],
  providers: [ModerationService, ReportsService, ModerationAccountService],
  exports: [ModerationAccountService],
})
export class ModerationModule {}
