import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Viewer } from '../access/viewer.js';
import { CurrentViewer } from '../common/decorators.js';
import { RateLimit } from '../common/rate-limit.js';
import { CategoriesService } from './categories.service.js';
import { GetThreadQuery } from './get-thread.dto.js';
import { StoriesService } from './stories.service.js';
import { CreateThreadDto, ListThreadsQuery, UpdateThreadDto } from './thread.dto.js';

@ApiTags('stories')
@Controller('threads')
export class StoriesController {
  constructor(private readonly stories: StoriesService) {}

  @Get()
  list(@CurrentViewer() viewer: Viewer, @Query() q: ListThreadsQuery) {
    return this.stories.list(viewer, q);
  }

  @Post()
  @RateLimit('thread.create')
  create(@CurrentViewer() viewer: Viewer, @Body() dto: CreateThreadDto) {
    return this.stories.create(viewer, dto);
  }

  @Get(':id')
  get(@CurrentViewer() viewer: Viewer, @Param('id') id: string, @Query() q: GetThreadQuery) {
    return this.stories.get(viewer, id, q);
  }

  @Patch(':id')
  update(@CurrentViewer() viewer: Viewer, @Param('id') id: string, @Body() dto: UpdateThreadDto) {
    return this.stories.update(viewer, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentViewer() viewer: Viewer, @Param('id') id: string) {
    return this.stories.remove(viewer, id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  pause(@CurrentViewer() viewer: Viewer, @Param('id') id: string) {
    return this.stories.setPaused(viewer, id, true);
  }

  @Post(':id/resume')
  @HttpCode(200)
  resume(@CurrentViewer() viewer: Viewer, @Param('id') id: string) {
    return this.stories.setPaused(viewer, id, false);
  }
}

@ApiTags('stories')
@Controller('categories')
export class CategoriesController {
  constructor(private readonly categories: CategoriesService) {}

  @Get()
  list() {
    return this.categories.all();
  }
}
