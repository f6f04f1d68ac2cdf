import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { SafetyModule } from '../safety/safety.module.js';
import { UsersModule } from '../users/users.module.js';
import { CategoriesService } from './categories.service.js';
import { LessonsController, SimilarController } from './discovery.controller.js';
import { LessonsService } from './lessons.service.js';
import { PreviewController } from './preview.controller.js';
import { ProfilesController } from './profiles.controller.js';
import { CategoriesController, StoriesController } from './stories.controller.js';
import { SimilarService } from './similar.service.js';
import { RevisionsRepository } from './revisions.repository.js';
import { StoriesService } from './stories.service.js';
import { ThreadsRepository } from './threads.repository.js';

@Module({
  imports: [UsersModule, SafetyModule, NotificationsModule],
  // SimilarController first: its /threads/similar must be matched before /threads/:id
  controllers: [SimilarController, LessonsController, StoriesController, CategoriesController, ProfilesController, PreviewController],
  providers: [StoriesService, CategoriesService, LessonsService, SimilarService, ThreadsRepository, RevisionsRepository],
  exports: [StoriesService, CategoriesService, ThreadsRepository, RevisionsRepository],
})
export class StoriesModule {}
