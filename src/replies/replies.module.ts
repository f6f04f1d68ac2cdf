import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { SafetyModule } from '../safety/safety.module.js';
import { StoriesModule } from '../stories/stories.module.js';
import { UsersModule } from '../users/users.module.js';
import { RepliesController } from './replies.controller.js';
import { RepliesRepository } from './replies.repository.js';
import { RepliesService } from './replies.service.js';
import { ReplyCheckService } from './reply-check.service.js';
import { ReplyNotifications } from './reply-notifications.js';

@Module({
  imports: [StoriesModule, SafetyModule, NotificationsModule, UsersModule],
  controllers: [RepliesController],
  providers: [RepliesService, ReplyCheckService, RepliesRepository, ReplyNotifications],
  exports: [RepliesService, RepliesRepository],
})
export class RepliesModule {}
