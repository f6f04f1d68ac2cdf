import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { UsersModule } from '../users/users.module.js';
import { HelpController, MemberSupportController, TeamSupportController } from './support.controller.js';
import { SupportService } from './support.service.js';

/** Help for everyone (GET /help) and each member's private conversation with the moderation team. */
@Module({
  imports: [NotificationsModule, UsersModule],
  controllers: [HelpController, MemberSupportController, TeamSupportController],
  providers: [SupportService],
  exports: [SupportService],
})
export class SupportModule {}
