import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { AllowSuspended, Public } from '../common/decorators.js';
import { RateLimit } from '../common/rate-limit.js';
import { DutyService } from './duty.service.js';
import { SafetyService } from './safety.service.js';

export class SafetyCheckDto {
  @IsString({ message: 'text must be text' })
  @MaxLength(60_000, { message: 'text must be at most 60,000 characters long' })
  text: string;
}

@ApiTags('safety')
@Controller('safety')
export class SafetyController {
  constructor(
    private readonly safety: SafetyService,
    private readonly duty: DutyService,
  ) {}

  /** Whether safety mode is on and how many moderators are on duty: for everyone, visitors included. */
  @Public()
  @Get('status')
  status() {
    return this.duty.status();
  }

  /** Lets the composer check a draft before publishing; nothing is stored. */
  @Post('check')
  @AllowSuspended()
  @HttpCode(200)
  @RateLimit('safety.check')
  check(@Body() dto: SafetyCheckDto) {
    return this.safety.check(dto.text);
  }
}
