import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Viewer } from '../access/viewer.js';
import { CurrentViewer } from '../common/decorators.js';
import { RateLimit } from '../common/rate-limit.js';
import { ListLessonsQuery, SimilarOfStoryQuery, SimilarQuery } from './discovery.dto.js';
import { LessonsService } from './lessons.service.js';
import { SimilarService } from './similar.service.js';

/** Similar stories. Registered before StoriesController, so `/threads/similar` is never read as a story id. */
@ApiTags('stories')
@Controller('threads')
export class SimilarController {
  constructor(private readonly similar: SimilarService) {}

  @Get('similar')
  @RateLimit('threads.similar')
  forText(@CurrentViewer() viewer: Viewer, @Query() q: SimilarQuery) {
    return this.similar.forText(viewer, q.text, q.limit);
  }

  @Get(':id/similar')
  forStory(@CurrentViewer() viewer: Viewer, @Param('id') id: string, @Query() q: SimilarOfStoryQuery) {
    return this.similar.forStory(viewer, id, q.limit);
  }
}

@ApiTags('stories')
@Controller('lessons')
export class LessonsController {
  constructor(private readonly lessons: LessonsService) {}

  @Get()
  list(@CurrentViewer() viewer: Viewer, @Query() q: ListLessonsQuery) {
    return this.lessons.list(viewer, q);
  }
}
