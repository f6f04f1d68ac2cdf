import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Viewer } from '../access/viewer.js';
import { CurrentViewer } from '../common/decorators.js';
import { RateLimit } from '../common/rate-limit.js';
import { CreateReplyDto, ListRepliesQuery, ReplyCheckDto, UpdateReplyDto } from './reply.dto.js';
import { ReplyCheckService } from './reply-check.service.js';
import { RepliesService } from './replies.service.js';

@ApiTags('replies')
@Controller()
export class RepliesController {
  constructor(
    private readonly replies: RepliesService,
    private readonly checks: ReplyCheckService,
  ) {}

  @Get('threads/:id/replies')
  list(@CurrentViewer() viewer: Viewer, @Param('id') threadId: string, @Query() q: ListRepliesQuery) {
    return this.replies.list(viewer, threadId, q);
  }

  /** 201 for a new reply; 200 with the first reply when the same clientKey is sent again. */
  @Post('threads/:id/replies')
  @RateLimit('reply.create')
  async create(@CurrentViewer() viewer: Viewer, @Param('id') threadId: string, @Body() dto: CreateReplyDto, @Res({ passthrough: true }) res: Response) {
    const { reply, created } = await this.replies.create(viewer, threadId, dto);
    res.status(created ? 201 : 200);
    return reply;
  }

  /** The reply box's check of a draft as the reader pauses typing: crisis signposting and gentle nudges; nothing is stored. */
  @Post('threads/:id/replies/check')
  @HttpCode(200)
  @RateLimit('reply.check')
  check(@CurrentViewer() viewer: Viewer, @Param('id') threadId: string, @Body() dto: ReplyCheckDto) {
    return this.checks.check(viewer, threadId, dto.body);
  }

  @Patch('replies/:id')
  update(@CurrentViewer() viewer: Viewer, @Param('id') id: string, @Body() dto: UpdateReplyDto) {
    return this.replies.update(viewer, id, dto);
  }

  @Delete('replies/:id')
  @HttpCode(204)
  remove(@CurrentViewer() viewer: Viewer, @Param('id') id: string) {
    return this.replies.remove(viewer, id);
  }
}
