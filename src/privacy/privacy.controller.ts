import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Viewer } from '../access/viewer.js';
import { AuthService } from '../auth/auth.service.js';
import { AllowSuspended, CurrentViewer, Public } from '../common/decorators.js';
import { BreakDto, DeleteAccountDto } from './account.dto.js';
import { AccountService } from './account.service.js';
import { PRIVACY } from './privacy.text.js';
import { PseudonymHidesService } from './pseudonym-hides.service.js';

@ApiTags('account')
@Controller()
export class PrivacyController {
  constructor(
    private readonly account: AccountService,
    private readonly auth: AuthService,
    private readonly hides: PseudonymHidesService,
  ) {}

  @Public()
  @Get('privacy')
  privacy() {
    return PRIVACY;
  }

  @Get('me/export')
  async export(@CurrentViewer() viewer: Viewer, @Res({ passthrough: true }) res: Response) {
    res.setHeader('Content-Disposition', `attachment; filename="setback-export-${new Date().toISOString().slice(0, 10)}.json"`);
    res.setHeader('Cache-Control', 'no-store');
    return this.account.export(viewer);
  }

  @Delete('me')
  @HttpCode(204)
  @AllowSuspended()
  async leave(@CurrentViewer() viewer: Viewer, @Body() dto: DeleteAccountDto, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.account.leave(viewer, dto.password, dto.mode);
    res.clearCookie(this.auth.cookieName, this.auth.cookieOptions());
  }

  @Post('me/break')
  @HttpCode(200)
  @AllowSuspended()
  takeBreak(@CurrentViewer() viewer: Viewer, @Body() dto: BreakDto) {
    return this.account.takeBreak(viewer, dto.days ?? 7);
  }

  @Delete('me/break')
  @AllowSuspended()
  endBreak(@CurrentViewer() viewer: Viewer) {
    return this.account.endBreak(viewer);
  }

  @Put('threads/:id/mute')
  @AllowSuspended()
  mute(@CurrentViewer() viewer: Viewer, @Param('id') id: string) {
    return this.account.mute(viewer, id, true);
  }

  @Delete('threads/:id/mute')
  @AllowSuspended()
  unmute(@CurrentViewer() viewer: Viewer, @Param('id') id: string) {
    return this.account.mute(viewer, id, false);
  }

  @Get('threads/:id/hidden-pseudonyms')
  @AllowSuspended()
  hiddenPseudonyms(@CurrentViewer() viewer: Viewer, @Param('id') id: string) {
    return this.hides.list(viewer, id);
  }

  @Put('threads/:id/hidden-pseudonyms/:pseudonym')
  @AllowSuspended()
  hidePseudonym(@CurrentViewer() viewer: Viewer, @Param('id') id: string, @Param('pseudonym') name: string) {
    return this.hides.set(viewer, id, name, true);
  }

  @Delete('threads/:id/hidden-pseudonyms/:pseudonym')
  @AllowSuspended()
  showPseudonym(@CurrentViewer() viewer: Viewer, @Param('id') id: string, @Param('pseudonym') name: string) {
    return this.hides.set(viewer, id, name, false);
  }
}
