import { Body, Controller, Delete, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Viewer } from '../access/viewer.js';
import { CurrentViewer } from '../common/decorators.js';
import { RateLimit } from '../common/rate-limit.js';
import { CreateFollowUpDto, ReminderDto } from './arc.dto.js';
import { FollowUpsService } from './follow-ups.service.js';
import { HighlightsService } from './highlights.service.js';
import { RemindersService } from './reminders.service.js';

/** The author's arc: follow-ups under a story, the reminder to write one, and the replies that helped most. */
@ApiTags('stories')
@Controller('threads')
export class ArcController {
  constructor(
    private readonly followUps: FollowUpsService,
    private readonly reminders: RemindersService,
    private readonly highlights: HighlightsService,
  ) {}

  @Post(':id/follow-ups')
  @RateLimit('followup.create')
  addFollowUp(@CurrentViewer() viewer: Viewer, @Param('id') id: string, @Body() dto: CreateFollowUpDto) {
    return this.followUps.create(viewer, id, dto);
  }

  @Put(':id/reminder')
  setReminder(@CurrentViewer() viewer: Viewer, @Param('id') id: string, @Body() dto: ReminderDto) {
    return this.reminders.set(viewer, id, dto.inMonths);
  }

  @Delete(':id/reminder')
  @HttpCode(204)
  clearReminder(@CurrentViewer() viewer: Viewer, @Param('id') id: string) {
    return this.reminders.clear(viewer, id);
  }

  @Put(':id/highlights/:replyId')
  highlight(@CurrentViewer() viewer: Viewer, @Param('id') id: string, @Param('replyId') replyId: string) {
    return this.highlights.set(viewer, id, replyId, true);
  }

  @Delete(':id/highlights/:replyId')
  unhighlight(@CurrentViewer() viewer: Viewer, @Param('id') id: string, @Param('replyId') replyId: string) {
    return this.highlights.set(viewer, id, replyId, false);
  }
}
