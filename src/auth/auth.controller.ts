import { Body, Controller, Get, HttpCode, Ip, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AllowSuspended, CurrentViewer, Public } from '../common/decorators.js';
import { RateLimit } from '../common/rate-limit.js';
import { AuthService, SignedIn } from './auth.service.js';
import { ChangePasswordDto, CodeDto, LoginDto, PasswordOnlyDto, RecoverDto, RegisterDto } from './auth.dto.js';
import { RecoveryService } from './recovery.service.js';
import { TwoFactorService } from './two-factor.service.js';
import type { Viewer } from '../access/viewer.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly recovery: RecoveryService,
    private readonly twoFactor: TwoFactorService,
  ) {}

  @Public()
  @Post('register')
  @RateLimit('register.ip')
  async register(@Body() dto: RegisterDto, @Res({ passthrough: true }) res: Response) {
    return this.withCookie(res, await this.auth.register(dto));
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Body() dto: LoginDto, @Ip() ip: string | undefined, @Res({ passthrough: true }) res: Response) {
    // failures only are counted, per account and address, in AuthService (SignInLimits)
    return this.withCookie(res, await this.auth.login(dto, ip ?? 'unknown'));
  }

  @Post('logout')
  @AllowSuspended()
  @HttpCode(204)
  async logout(@CurrentViewer() viewer: Viewer, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logout(viewer);
    res.clearCookie(this.auth.cookieName, this.auth.cookieOptions());
  }

  @Post('logout-all')
  @AllowSuspended()
  @HttpCode(204)
  async logoutAll(@CurrentViewer() viewer: Viewer, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logoutAll(viewer);
    res.clearCookie(this.auth.cookieName, this.auth.cookieOptions());
  }

  @Post('password')
  @AllowSuspended()
  @HttpCode(204)
  changePassword(@CurrentViewer() viewer: Viewer, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.auth.changePassword(viewer, dto.current, dto.next);
  }

  /** Back into an account without email: a one-time recovery code sets a new password and ends every session. */
  @Public()
  @Post('recover')
  @HttpCode(200)
  @RateLimit('recover.ip')
  recover(@Body() dto: RecoverDto) {
    return this.recovery.recover(dto.username, dto.code, dto.newPassword);
  }

  @Post('recovery-codes')
  @HttpCode(200)
  @AllowSuspended()
  @RateLimit('recover.ip')
  regenerateCodes(@CurrentViewer() viewer: Viewer, @Body() dto: PasswordOnlyDto) {
    return this.recovery.regenerate(viewer, dto.password);
  }

  @Post('2fa/setup')
  @HttpCode(200)
  @AllowSuspended()
  setupTwoFactor(@CurrentViewer() viewer: Viewer) {
    return this.twoFactor.setup(viewer);
  }

  @Post('2fa/enable')
  @HttpCode(200)
  @AllowSuspended()
  @RateLimit('recover.ip')
  enableTwoFactor(@CurrentViewer() viewer: Viewer, @Body() dto: CodeDto) {
    return this.twoFactor.enable(viewer, dto.code);
  }

  @Post('2fa/disable')
  @HttpCode(200)
  @AllowSuspended()
  @RateLimit('recover.ip')
  disableTwoFactor(@CurrentViewer() viewer: Viewer, @Body() dto: CodeDto) {
    return this.twoFactor.disable(viewer, dto.code);
  }

  @Get('me')
  me(@CurrentViewer() viewer: Viewer) {
    return this.auth.me(viewer);
  }

  private withCookie(res: Response, signedIn: SignedIn) {
    res.cookie(this.auth.cookieName, signedIn.token, this.auth.cookieOptions(signedIn.expiresAt));
    return signedIn.user;
  }
}
