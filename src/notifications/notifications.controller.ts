import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Viewer } from '../access/viewer.js';
import { CurrentViewer } from '../common/decorators.js';
import { ListNotificationsQuery, MarkReadDto } from './notification.dto.js';
import { NotificationsService } from './notifications.service.js';

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  list(@CurrentViewer() viewer: Viewer, @Query() q: ListNotificationsQuery) {
    return this.notifications.list(viewer, q);
  }

  @Post('read')
  @HttpCode(200)
  markRead(@CurrentViewer() viewer: Viewer, @Body() dto: MarkReadDto) {
    return this.notifications.markRead(viewer, dto);
  }
}
