import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Viewer } from '../access/viewer.js';
import { Permission, RequirePermission } from '../access/permissions.js';
import { CurrentViewer } from '../common/decorators.js';
import { RateLimit } from '../common/rate-limit.js';
import {
  CreateReportDto, LogQuery, QueueQuery, ReasonDto, ReportsQuery, RequiredReasonDto, ResolveReportDto, RevealDto, RoleDto, SuspendDto, ThreadSettingsDto, WatchedWordDto,
} from './moderation.dto.js';
import { ModerationService } from './moderation.service.js';
import { ReportsService } from './reports.service.js';

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Post()
  @RateLimit('report.create')
  create(@CurrentViewer() viewer: Viewer, @Body() dto: CreateReportDto) {
    return this.reports.create(viewer, dto);
  }
}

/** Every route here needs a permission (checked by the global guard) and checks its target again in the service. */
@ApiTags('moderation')
@Controller('mod')
export class ModerationController {
  constructor(
    private readonly mod: ModerationService,
    private readonly reports: ReportsService,
  ) {}

  @Get('queue')
  @RequirePermission(Permission.QueueReview)
  queue(@Query() q: QueueQuery) {
    return this.mod.queue(q);
  }

  @Post('queue/:id/approve')
  @HttpCode(200)
  @RequirePermission(Permission.QueueReview)
  approve(@CurrentViewer() v: Viewer, @Param('id') id: string, @Body() dto: ReasonDto) {
    return this.mod.review(v, id, true, dto.reason);
  }

  @Post('queue/:id/reject')
  @HttpCode(200)
  @RequirePermission(Permission.QueueReview)
  reject(@CurrentViewer() v: Viewer, @Param('id') id: string, @Body() dto: RequiredReasonDto) {
    return this.mod.review(v, id, false, dto.reason);
  }

  @Get('reports')
  @RequirePermission(Permission.ReportRead)
  listReports(@Query() q: ReportsQuery) {
    return this.reports.list(q);
  }

  @Post('reports/:id/resolve')
  @HttpCode(200)
  @RequirePermission(Permission.ReportResolve)
  resolve(@CurrentViewer() v: Viewer, @Param('id') id: string, @Body() dto: ResolveReportDto) {
    return this.reports.resolve(v, id, dto.action, dto.note);
  }

  @Post('threads/:id/lock')
  @HttpCode(200)
  @RequirePermission(Permission.ThreadLock)
  lock(@CurrentViewer() v: Viewer, @Param('id') id: string, @Body() dto: RequiredReasonDto) {
    return this.mod.threadAction(v, id, 'lock', dto.reason);
  }

  @Post('threads/:id/unlock')
  @HttpCode(200)
  @RequirePermission(Permission.ThreadLock)
  unlock(@CurrentViewer() v: Viewer, @Param('id') id: string, @Body() dto: ReasonDto) {
    return this.mod.threadAction(v, id, 'unlock', dto.reason);
  }

  @Post('threads/:id/pin')
  @HttpCode(200)
  @RequirePermission(Permission.ThreadPin)
  pin(@CurrentViewer() v: Viewer, @Param('id') id: string, @Body() dto: ReasonDto) {
    return this.mod.threadAction(v, id, 'pin', dto.reason);
  }

  @Post('threads/:id/unpin')
  @HttpCode(200)
  @RequirePermission(Permission.ThreadPin)
  unpin(@CurrentViewer() v: Viewer, @Param('id') id: string, @Body() dto: ReasonDto) {
    return this.mod.threadAction(v, id, 'unpin', dto.reason);
  }

  @Post('threads/:id/hide')
  @HttpCode(200)
  @RequirePermission(Permission.ThreadHide)
  hideThread(@CurrentViewer() v: Viewer, @Param('id') id: string, @Body() dto: RequiredReasonDto) {
    return this.mod.threadAction(v, id, 'hide', dto.reason);
  }

  @Post('threads/:id/unhide')
  @HttpCode(200)
  @RequirePermission(Permission.ThreadHide)
  unhideThread(@CurrentViewer() v: Viewer, @Param('id') id: string, @Body() dto: ReasonDto) {
    return this.mod.threadAction(v, id, 'unhide', dto.reason);
  }

  @Post('threads/:id/restore')
  @HttpCode(200)
  @RequirePermission(Permission.ThreadRestore)
  restoreThread(@CurrentViewer() v: Viewer, @Param('id') id: string, @Body() dto: ReasonDto) {
    return this.mod.threadAction(v, id, 'restore', dto.reason);
  }

  @Patch('threads/:id')
  @RequirePermission(Permission.ThreadEdit)
  threadSettings(@CurrentViewer() v: Viewer, @Param('id') id: string, @Body() dto: ThreadSettingsDto) {
    return this.mod.threadSettings(v, id, dto);
  }

  @Post('replies/:id/hide')
  @HttpCode(200)
  @RequirePermission(Permission.ReplyHide)
  hideReply(@CurrentViewer() v: Viewer, @Param('id') id: string, @Body() dto: RequiredReasonDto) {
    return this.mod.replyAction(v, id, 'hide', dto.reason);
  }

  @Post('replies/:id/unhide')
  @HttpCode(200)
  @RequirePermission(Permission.ReplyHide)
  unhideReply(@CurrentViewer() v: Viewer, @Param('id') id: string, @Body() dto: ReasonDto) {
    return this.mod.replyAction(v, id, 'unhide', dto.reason);
  }

  @Post('replies/:id/restore')
  @HttpCode(200)
  @RequirePermission(Permission.ReplyRestore)
  restoreReply(@CurrentViewer() v: Viewer, @Param('id') id: string, @Body() dto: ReasonDto) {
    return this.mod.replyAction(v, id, 'restore', dto.reason);
  }

  @Get('users/:id')
  @RequirePermission(Permission.UserRead)
  member(@CurrentViewer() v: Viewer, @Param('id') id: string) {
    return this.mod.member(v, id);
  }

  @Post('users/:id/suspend')
  @HttpCode(200)
  @RequirePermission(Permission.UserSuspend)
  suspend(@CurrentViewer() v: Viewer, @Param('id') id: string, @Body() dto: SuspendDto) {
    return this.mod.suspend(v, id, dto.days, dto.reason);
  }

  @Post('users/:id/ban')
  @HttpCode(200)
  @RequirePermission(Permission.UserBan)
  ban(@CurrentViewer() v: Viewer, @Param('id') id: string, @Body() dto: RequiredReasonDto) {
    return this.mod.ban(v, id, dto.reason);
  }

  @Post('users/:id/unban')
  @HttpCode(200)
  @RequirePermission(Permission.UserBan)
  unban(@CurrentViewer() v: Viewer, @Param('id') id: string, @Body() dto: ReasonDto) {
    return this.mod.unban(v, id, dto.reason);
  }

  @Patch('users/:id')
  @RequirePermission(Permission.UserRole)
  setRole(@CurrentViewer() v: Viewer, @Param('id') id: string, @Body() dto: RoleDto) {
    return this.mod.setRole(v, id, dto.role);
  }

  @Post('reveal')
  @HttpCode(200)
  @RequirePermission(Permission.AuthorReveal)
  reveal(@CurrentViewer() v: Viewer, @Body() dto: RevealDto) {
    return this.mod.reveal(v, dto.targetType, dto.targetId, dto.reason);
  }

  @Get('log')
  @RequirePermission(Permission.LogRead)
  log(@Query() q: LogQuery) {
    return this.mod.logList(q);
  }

  @Get('watched-words')
  @RequirePermission(Permission.WatchedWordsManage)
  words() {
    return this.mod.listWords();
  }

  @Post('watched-words')
  @RequirePermission(Permission.WatchedWordsManage)
  addWord(@CurrentViewer() v: Viewer, @Body() dto: WatchedWordDto) {
    return this.mod.addWord(v, dto);
  }

  @Delete('watched-words/:id')
  @HttpCode(204)
  @RequirePermission(Permission.WatchedWordsManage)
  removeWord(@CurrentViewer() v: Viewer, @Param('id') id: string) {
    return this.mod.removeWord(v, id);
  }
}
