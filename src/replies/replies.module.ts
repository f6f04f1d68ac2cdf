import { Module } from '@nestjs/common';
import { SafetyModule } from '../safety/safety.module.js';
import { StoriesModule } from '../stories/stories.module.js';
import { RepliesController } from './replies.controller.js';
import { RepliesService } from './replies.service.js';

@Module({
  imports: [StoriesModule, SafetyModule],
  controllers: [RepliesController],
  providers: [RepliesService],
  exports: [RepliesService],
})
export class RepliesModule {}
