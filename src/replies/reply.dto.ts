import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import { LimitParam, NoNul } from '../common/validators.js';

export class CreateReplyDto {
  @ApiProperty({ description: 'Markdown, 1–10,000 characters' })
  @IsString({ message: 'body must be text' })
  @NoNul('body')
  @Length(1, 10_000, { message: 'body must be 1–10,000 characters long' })
  @Matches(/\S/, { message: 'body must not be empty' })
  body: string;

  @ApiPropertyOptional({ description: 'an idempotency key chosen by the client; a retry with the same key returns the first reply' })
  @IsOptional()
  @IsString({ message: 'clientKey must be text' })
  @Matches(/^[A-Za-z0-9_-]{8,64}$/, { message: 'clientKey must be 8–64 letters, digits, _ or -' })
  clientKey?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'anonymous must be true or false' })
  anonymous?: boolean;

  @ApiPropertyOptional({ description: 'the id of the reply in this story that this one answers' })
  @IsOptional()
  @IsString({ message: 'replyTo must be a reply id' })
  @Matches(/^[1-9]\d{0,17}$/, { message: 'replyTo must be a reply id (a whole number)' })
  replyTo?: string;
}

export class UpdateReplyDto {
  @ApiProperty()
  @IsString({ message: 'body must be text' })
  @NoNul('body')
  @Length(1, 10_000, { message: 'body must be 1–10,000 characters long' })
  @Matches(/\S/, { message: 'body must not be empty' })
  body: string;
}

export class ListRepliesQuery {
  @IsOptional()
  @IsString({ message: 'after must be a reply id' })
  @Matches(/^(0|[1-9]\d{0,17})$/, { message: 'after must be a reply id (a whole number)' })
  after?: string;

  @LimitParam()
  limit?: number;
}

/** POST /threads/:id/replies/check: the reply box's draft, validated like a reply (nothing is stored). */
export class ReplyCheckDto {
  @ApiProperty({ description: 'the draft reply (Markdown), 1–10,000 characters' })
  @IsString({ message: 'body must be text' })
  @NoNul('body')
  @Length(1, 10_000, { message: 'body must be 1–10,000 characters long' })
  @Matches(/\S/, { message: 'body must not be empty' })
  body: string;
}
