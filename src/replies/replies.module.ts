import { Module } from '@nestjs/common';
import { SafetyModule } from '../safety/safety.module.js';
import { StoriesModule } from '../stories/stories.module.js';
import { RepliesController } from './replies.controller.js';
import { RepliesRepository } from './replies.repository.js';
import { RepliesService } from './replies.service.js';
import { ReplyCheckService } from './reply-check.service.js';

@Module({
  imports: [StoriesModule, SafetyModule],
  controllers: [RepliesController],
  providers: [RepliesService, ReplyCheckService, RepliesRepository],
  exports: [RepliesService, RepliesRepository],
})
export class RepliesModule {}
