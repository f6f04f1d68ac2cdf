import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { RepliesModule } from '../replies/replies.module.js';
import { SafetyModule } from '../safety/safety.module.js';
import { StoriesModule } from '../stories/stories.module.js';
import { ArcAccountService } from './arc-account.service.js';
import { ArcController } from './arc.controller.js';
import { FollowUpsService } from './follow-ups.service.js';
import { HighlightsService } from './highlights.service.js';
import { RemindersService } from './reminders.service.js';

/** The author's arc (DESIGN "Second batch"): owns follow_ups, follow_up_reminders and reply_highlights. */
@Module({
  imports: [StoriesModule, RepliesModule, SafetyModule, NotificationsModule],
  controllers: [ArcController],
  providers: [FollowUpsService, RemindersService, HighlightsService, ArcAccountService],
  exports: [ArcAccountService, RemindersService],
})
export class ArcModule {}
