import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { DraftsModule } from '../drafts/drafts.module.js';
import { ModerationModule } from '../moderation/moderation.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { ReactionsModule } from '../reactions/reactions.module.js';
import { RepliesModule } from '../replies/replies.module.js';
import { StoriesModule } from '../stories/stories.module.js';
import { SupportModule } from '../support/support.module.js';
import { UsersModule } from '../users/users.module.js';
import { ArcModule } from '../arc/arc.module.js';
import { AccountService } from './account.service.js';
import { PrivacyController } from './privacy.controller.js';
import { PseudonymHidesService } from './pseudonym-hides.service.js';

@Module({
  imports: [AuthModule, StoriesModule, RepliesModule, UsersModule, DraftsModule, ModerationModule, NotificationsModule, ReactionsModule, SupportModule, ArcModule],
  controllers: [PrivacyController],
  providers: [AccountService, PseudonymHidesService],
})
export class PrivacyModule {}
