import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { AllowSuspended } from '../common/decorators.js';
import { RateLimit } from '../common/rate-limit.js';
import { SafetyService } from './safety.service.js';

export class SafetyCheckDto {
  @IsString({ message: 'text must be text' })
  @MaxLength(60_000, { message: 'text must be at most 60,000 characters long' })
  text: string;
}

@ApiTags('safety')
@Controller('safety')
export class SafetyController {
  constructor(private readonly safety: SafetyService) {}

  /** Lets the composer check a draft before publishing; nothing is stored. */
  @Post('check')
  @AllowSuspended()
  @HttpCode(200)
  @RateLimit('safety.check')
  check(@Body() dto: SafetyCheckDto) {
    return this.safety.check(dto.text);
  }
}
