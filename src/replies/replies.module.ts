import { Module } from '@nestjs/common';
import { StoriesModule } from '../stories/stories.module.js';
import { RepliesController } from './replies.controller.js';
import { RepliesService } from './replies.service.js';

@Module({
  imports: [StoriesModule],
  controllers: [RepliesController],
  providers: [RepliesService],
  exports: [RepliesService],
})
export class RepliesModule {}
