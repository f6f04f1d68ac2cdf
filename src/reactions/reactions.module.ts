import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { RepliesModule } from '../replies/replies.module.js';
import { StoriesModule } from '../stories/stories.module.js';
import { ReactionNotifications } from './reaction-notifications.js';
import { ReactionsController } from './reactions.controller.js';
import { ReactionsRepository } from './reactions.repository.js';
import { ReactionsService } from './reactions.service.js';

@Module({
  imports: [StoriesModule, RepliesModule, NotificationsModule],
  controllers: [ReactionsController],
  providers: [ReactionsService, ReactionsRepository, ReactionNotifications],
  exports: [ReactionsRepository],
})
export class ReactionsModule {}
