import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsModule } from '../alerts/alerts.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { RecoveryService } from './recovery.service.js';
import { SignInLimits } from './sign-in-limits.js';
import { TwoFactorService } from './two-factor.service.js';
import { GuidelinesController } from './guidelines.controller.js';
import { Session } from './session.entity.js';

@Module({
  imports: [AlertsModule, UsersModule, NotificationsModule, TypeOrmModule.forFeature([Session])],
  controllers: [AuthController, GuidelinesController],
  providers: [AuthService, RecoveryService, SignInLimits, TwoFactorService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, TwoFactorService],
})
export class AuthModule {}
