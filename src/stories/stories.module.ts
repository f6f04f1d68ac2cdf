import { Module } from '@nestjs/common';
import { SafetyModule } from '../safety/safety.module.js';
import { UsersModule } from '../users/users.module.js';
import { CategoriesService } from './categories.service.js';
import { PreviewController } from './preview.controller.js';
import { ProfilesController } from './profiles.controller.js';
import { CategoriesController, StoriesController } from './stories.controller.js';
import { StoriesService } from './stories.service.js';
import { ThreadsRepository } from './threads.repository.js';

@Module({
  imports: [UsersModule, SafetyModule],
  controllers: [StoriesController, CategoriesController, ProfilesController, PreviewController],
  providers: [StoriesService, CategoriesService, ThreadsRepository],
  exports: [StoriesService, CategoriesService, ThreadsRepository],
})
export class StoriesModule {}
