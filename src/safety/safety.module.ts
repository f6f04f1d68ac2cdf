import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { DutyController } from './duty.controller.js';
import { DutyService } from './duty.service.js';
import { SafetyController } from './safety.controller.js';
import { SafetyService } from './safety.service.js';
import { WatchedWordsService } from './watched-words.service.js';

@Module({
  imports: [NotificationsModule],
  controllers: [SafetyController, DutyController],
  providers: [SafetyService, WatchedWordsService, DutyService],
  exports: [SafetyService, WatchedWordsService, DutyService],
})
export class SafetyModule {}
