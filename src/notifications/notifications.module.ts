import { Module } from '@nestjs/common';
import { NotificationsAccountService } from './notifications-account.service.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';

@Module({
  controllers: [NotificationsController],
  providers: [NotificationsService, NotificationsAccountService],
  exports: [NotificationsService, NotificationsAccountService],
})
export class NotificationsModule {}
