import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { StoriesModule } from '../stories/stories.module.js';
import { AccountService } from './account.service.js';
import { PrivacyController } from './privacy.controller.js';

@Module({
  imports: [AuthModule, StoriesModule],
  controllers: [PrivacyController],
  providers: [AccountService],
})
export class PrivacyModule {}
