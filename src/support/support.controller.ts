import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '../access/permissions.js';
import type { Viewer } from '../access/viewer.js';
import { AllowSuspended, CurrentViewer, Public } from '../common/decorators.js';
import { RateLimit } from '../common/rate-limit.js';
import { ConversationsQuery, SupportMessageDto, SupportPageQuery, TeamMessageDto } from './support.dto.js';
import { SupportService } from './support.service.js';

/** GET /help: the crisis resources, for everyone (visitors included). */
@ApiTags('safety')
@Controller('help')
export class HelpController {
  constructor(private readonly support: SupportService) {}

  @Public()
  @Get()
  help() {
    return this.support.help();
  }
}

/** The member's side of their conversation with the moderation team. */
@ApiTags('support')
@Controller('me/support')
export class MemberSupportController {
  constructor(private readonly support: SupportService) {}

  @Get()
  mine(@CurrentViewer() viewer: Viewer, @Query() q: SupportPageQuery) {
    return this.support.mine(viewer, q);
  }

  @Post()
  @AllowSuspended()
  @RateLimit('support.write')
  write(@CurrentViewer() viewer: Viewer, @Body() dto: SupportMessageDto) {
    return this.support.writeAsMember(viewer, dto.body);
  }
}

/** The team's side: every route needs a permission (the global guard) and checks it again in the service. */
@ApiTags('moderation')
@Controller('mod/support')
export class TeamSupportController {
  constructor(private readonly support: SupportService) {}

  @Get()
  @RequirePermission(Permission.SupportRead)
  conversations(@CurrentViewer() viewer: Viewer, @Query() q: ConversationsQuery) {
    return this.support.conversations(viewer, q);
  }

  @Get(':userId')
  @RequirePermission(Permission.SupportRead)
  conversation(@CurrentViewer() viewer: Viewer, @Param('userId') userId: string, @Query() q: SupportPageQuery) {
    return this.support.conversation(viewer, userId, q);
  }

  @Post(':userId')
  @RequirePermission(Permission.SupportWrite)
  @RateLimit('support.reply')
  write(@CurrentViewer() viewer: Viewer, @Param('userId') userId: string, @Body() dto: TeamMessageDto) {
    return this.support.writeAsTeam(viewer, userId, dto);
  }
}
