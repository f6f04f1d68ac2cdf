import { Module } from '@nestjs/common';
import { RepliesModule } from '../replies/replies.module.js';
import { StoriesModule } from '../stories/stories.module.js';
import { ReactionsController } from './reactions.controller.js';
import { ReactionsRepository } from './reactions.repository.js';
import { ReactionsService } from './reactions.service.js';

@Module({
  imports: [StoriesModule, RepliesModule],
  controllers: [ReactionsController],
  providers: [ReactionsService, ReactionsRepository],
  exports: [ReactionsRepository],
})
export class ReactionsModule {}
