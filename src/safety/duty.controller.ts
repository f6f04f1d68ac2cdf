import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '../access/permissions.js';
import type { Viewer } from '../access/viewer.js';
import { CurrentViewer } from '../common/decorators.js';
import { DutyDto } from './duty.dto.js';
import { DutyService } from './duty.service.js';

/** A moderator's shift: on duty until they end it or it ends by itself after DUTY_SHIFT_HOURS. */
@ApiTags('moderation')
@Controller('mod/duty')
export class DutyController {
  constructor(private readonly duty: DutyService) {}

  @Get()
  @RequirePermission(Permission.DutyTake)
  mine(@CurrentViewer() v: Viewer) {
    return this.duty.myDuty(v);
  }

  @Post()
  @HttpCode(200)
  @RequirePermission(Permission.DutyTake)
  set(@CurrentViewer() v: Viewer, @Body() dto: DutyDto) {
    return this.duty.setDuty(v, dto.onDuty);
  }
}
