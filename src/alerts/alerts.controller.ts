import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '../access/permissions.js';
import type { Viewer } from '../access/viewer.js';
import { CurrentViewer } from '../common/decorators.js';
import { AlertDoneDto, AlertsQuery } from './alerts.dto.js';
import { AlertsService } from './alerts.service.js';

@ApiTags('moderation')
@Controller('mod/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @RequirePermission(Permission.AlertRead)
  list(@CurrentViewer() v: Viewer, @Query() q: AlertsQuery) {
    return this.alerts.list(v, q);
  }

  @Post(':id/done')
  @HttpCode(200)
  @RequirePermission(Permission.AlertResolve)
  done(@CurrentViewer() v: Viewer, @Param('id') id: string, @Body() dto: AlertDoneDto) {
    return this.alerts.done(v, id, dto.note);
  }
}
