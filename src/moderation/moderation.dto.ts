import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { LimitParam, NoNul } from '../common/validators.js';

/**
 * A moderator's reason, trimmed before it is checked: it is logged and shown to the member, so spaces alone are
 * not a reason. Optional reasons may be left out, but when given they must say something too.
 */
const Reason = (min: number): PropertyDecorator =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value)),
    // a required reason left out is the common case: say so, not that it was of the wrong type
    IsString({ message: (a) => (a.value === undefined || a.value === null ? 'reason is required: say why; the member affected will read it' : 'reason must be text') }),
    NoNul('reason'),
    MinLength(min, { message: min > 1 ? `reason must be at least ${min} characters long, not counting spaces` : 'reason must not be blank; leave it out to give none' }),
    MaxLength(500, { message: 'reason must be at most 500 characters long' }),
  );

export class ReasonDto {
  @ApiPropertyOptional({ maxLength: 500, description: 'trimmed; when given, not blank' })
  @IsOptional()
  @Reason(1)
  reason?: string;
}

export class RequiredReasonDto {
  @ApiProperty({ maxLength: 500, minLength: 3, description: 'trimmed, then 3–500 characters' })
  @Reason(3)
  reason: string;
}

export const REPORT_REASONS = ['harmful', 'harassment', 'spam', 'crisis', 'other', 'ignored_reply_mode'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

export class CreateReportDto {
  @ApiProperty({ enum: ['thread', 'reply', 'user'] })
  @IsIn(['thread', 'reply', 'user'], { message: 'targetType must be one of thread, reply, user' })
  targetType: 'thread' | 'reply' | 'user';

  @ApiProperty()
  @IsString({ message: 'targetId must be text' })
  @MaxLength(64, { message: 'targetId is not an id' })
  targetId: string;

  @ApiProperty({
    enum: REPORT_REASONS,
    description: "ignored_reply_mode: only the story's author, about a reply in their story while it asks people to just listen",
  })
  @IsIn(REPORT_REASONS, { message: 'reason must be one of harmful, harassment, spam, crisis, other, ignored_reply_mode' })
  reason: ReportReason;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString({ message: 'note must be text' })
  @NoNul('note')
  @MaxLength(1000, { message: 'note must be at most 1,000 characters long' })
  note?: string;
}

export class ResolveReportDto {
  @ApiProperty({ enum: ['dismiss', 'hide', 'remove'] })
  @IsIn(['dismiss', 'hide', 'remove'], { message: 'action must be one of dismiss, hide, remove' })
  action: 'dismiss' | 'hide' | 'remove';

  @ApiPropertyOptional({ maxLength: 500, description: 'the reason, shown to the member affected: required (3–500 characters, trimmed) to hide or remove' })
  @ValidateIf((o: ResolveReportDto) => o.action === 'hide' || o.action === 'remove' || o.note !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'note must be text: to hide or remove, give the reason the member will see' })
  @NoNul('note')
  @MinLength(3, { message: 'note must be at least 3 characters long: to hide or remove, give the reason the member will see' })
  @MaxLength(500, { message: 'note must be at most 500 characters long' })
  note?: string;
}

export class ReportsQuery {
  @IsOptional()
  @IsIn(['open', 'resolved', 'all'], { message: 'status must be one of open, resolved, all' })
  status?: 'open' | 'resolved' | 'all';

  @IsOptional()
  @IsString({ message: 'cursor must be text' })
  cursor?: string;

  @LimitParam()
  limit?: number;
}

export const QUEUE_DEFAULT_LIMIT = 50;

export class QueueQuery {
  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString({ message: 'cursor must be text' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: QUEUE_DEFAULT_LIMIT })
  @LimitParam()
  limit?: number;
}

export class LogQuery {
  @IsOptional()
  @IsString({ message: 'actor must be a user id' })
  @Matches(/^[0-9a-f-]{36}$/i, { message: 'actor must be a user id' })
  actor?: string;

  @IsOptional()
  @IsString({ message: 'target must be an id' })
  @MaxLength(64, { message: 'target must be an id' })
  target?: string;

  @ApiPropertyOptional({ description: 'entries about this member: actions on their account and on their named posts (never anonymous ones)' })
  @IsOptional()
  @IsString({ message: 'username must be text' })
  @MaxLength(64, { message: 'username is not a username' })
  username?: string;

  @IsOptional()
  @IsString({ message: 'cursor must be text' })
  cursor?: string;

  @LimitParam()
  limit?: number;
}

export class ThreadSettingsDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 86400 })
  @IsOptional()
  @IsInt({ message: 'slowModeSeconds must be a whole number of seconds from 0 to 86,400' })
  @Min(0, { message: 'slowModeSeconds must be a whole number of seconds from 0 to 86,400' })
  @Max(86_400, { message: 'slowModeSeconds must be a whole number of seconds from 0 to 86,400' })
  slowModeSeconds?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'category must be text' })
  @MaxLength(64, { message: 'category is not a known category' })
  category?: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'trimmed; when given, not blank' })
  @IsOptional()
  @Reason(1)
  reason?: string;
}

export class SuspendDto extends RequiredReasonDto {
  @ApiProperty({ minimum: 1, maximum: 365 })
  @IsInt({ message: 'days must be a whole number from 1 to 365' })
  @Min(1, { message: 'days must be a whole number from 1 to 365' })
  @Max(365, { message: 'days must be a whole number from 1 to 365' })
  days: number;
}

export class RoleDto {
  @ApiProperty({ enum: ['member', 'moderator', 'admin'] })
  @IsIn(['member', 'moderator', 'admin'], { message: 'role must be one of member, moderator, admin' })
  role: 'member' | 'moderator' | 'admin';
}

export class RevealDto extends RequiredReasonDto {
  @ApiProperty({ enum: ['thread', 'reply'] })
  @IsIn(['thread', 'reply'], { message: 'targetType must be thread or reply' })
  targetType: 'thread' | 'reply';

  @ApiProperty()
  @IsString({ message: 'targetId must be text' })
  @MaxLength(64, { message: 'targetId is not an id' })
  targetId: string;
}

export class WatchedWordDto {
  @ApiProperty({ maxLength: 100 })
  @IsString({ message: 'pattern must be text' })
  @NoNul('pattern')
  @Length(1, 100, { message: 'pattern must be 1–100 characters long' })
  @Matches(/[\p{L}\p{N}]/u, { message: 'pattern must contain a letter or digit' })
  pattern: string;

  @ApiProperty({ enum: ['block', 'hold', 'flag', 'crisis'] })
  @IsIn(['block', 'hold', 'flag', 'crisis'], { message: 'action must be one of block, hold, flag, crisis' })
  action: 'block' | 'hold' | 'flag' | 'crisis';
}
