import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmpty, IsIn, IsOptional, IsString, Length, MaxLength, ValidateIf } from 'class-validator';
import { LimitParam, NoNul } from '../common/validators.js';
import { REPLY_MODES, type ReplyMode } from '../contract/views.js';

/** `replyMode`, when given (null included: it is not a mode), must be one of the modes. */
const ReplyModeField = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ enum: REPLY_MODES, description: 'listening: the author would like readers to just listen; advice: advice welcome (the default)' }),
    ValidateIf((o: { replyMode?: unknown }) => o.replyMode !== undefined),
    IsIn(REPLY_MODES as ReplyMode[], { message: 'replyMode must be listening or advice' }),
  );

export class CreateThreadDto {
  @ApiProperty({ minLength: 5, maxLength: 150 })
  @IsString({ message: 'title must be text' })
  @NoNul('title')
  @Length(5, 150, { message: 'title must be 5–150 characters long' })
  title: string;

  @ApiProperty({ description: 'category slug, from GET /api/categories' })
  @IsString({ message: 'category must be text' })
  @MaxLength(64, { message: 'category is not a known category' })
  category: string;

  @ApiProperty({ description: 'What happened (Markdown)', minLength: 20, maxLength: 20000 })
  @IsString({ message: 'happened must be text' })
  @NoNul('happened')
  @Length(20, 20_000, { message: 'happened must be 20–20,000 characters long' })
  happened: string;

  @ApiPropertyOptional({ description: 'How I handled it (Markdown)', maxLength: 20000 })
  @IsOptional()
  @IsString({ message: 'handled must be text' })
  @NoNul('handled')
  @MaxLength(20_000, { message: 'handled must be at most 20,000 characters long' })
  handled?: string;

  @ApiPropertyOptional({ description: 'What I learned (Markdown)', maxLength: 20000 })
  @IsOptional()
  @IsString({ message: 'learned must be text' })
  @NoNul('learned')
  @MaxLength(20_000, { message: 'learned must be at most 20,000 characters long' })
  learned?: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'job loss, depression' })
  @IsOptional()
  @IsString({ message: 'contentWarning must be text' })
  @NoNul('contentWarning')
  @MaxLength(100, { message: 'contentWarning must be at most 100 characters long' })
  contentWarning?: string | null;

  @ApiPropertyOptional({ description: 'show a pseudonym instead of the username (cannot be changed later)' })
  @IsOptional()
  @IsBoolean({ message: 'anonymous must be true or false' })
  anonymous?: boolean;

  @ReplyModeField()
  replyMode?: ReplyMode;
}

export class UpdateThreadDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'title must be text' })
  @NoNul('title')
  @Length(5, 150, { message: 'title must be 5–150 characters long' })
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'category must be text' })
  @MaxLength(64, { message: 'category is not a known category' })
  category?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'happened must be text' })
  @NoNul('happened')
  @Length(20, 20_000, { message: 'happened must be 20–20,000 characters long' })
  happened?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'handled must be text' })
  @NoNul('handled')
  @MaxLength(20_000, { message: 'handled must be at most 20,000 characters long' })
  handled?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'learned must be text' })
  @NoNul('learned')
  @MaxLength(20_000, { message: 'learned must be at most 20,000 characters long' })
  learned?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'contentWarning must be text' })
  @NoNul('contentWarning')
  @MaxLength(100, { message: 'contentWarning must be at most 100 characters long' })
  contentWarning?: string | null;

  @IsEmpty({ message: 'anonymous cannot be changed after posting' })
  anonymous?: never;

  @ReplyModeField()
  replyMode?: ReplyMode;
}

export class ListThreadsQuery {
  @IsOptional()
  @IsString({ message: 'category must be text' })
  @MaxLength(64, { message: 'category is not a known category' })
  category?: string;

  @IsOptional()
  @IsString({ message: 'q must be text' })
  @NoNul('q')
  @MaxLength(200, { message: 'q must be at most 200 characters long' })
  q?: string;

  @ApiPropertyOptional({ enum: ['unanswered'], description: 'unanswered: published stories with no reply from anyone but their author, oldest first' })
  @IsOptional()
  @IsIn(['unanswered'], { message: 'filter must be unanswered' })
  filter?: 'unanswered';

  @IsOptional()
  @IsString({ message: 'cursor must be text' })
  cursor?: string;

  @LimitParam()
  limit?: number;
}

export class PageQuery {
  @IsOptional()
  @IsString({ message: 'cursor must be text' })
  cursor?: string;

  @LimitParam()
  limit?: number;
}
