import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { LimitParam, NoNul } from '../common/validators.js';

export const SUPPORT_BODY_MAX = 5_000;
const BODY_MESSAGE = `body must be 1–${SUPPORT_BODY_MAX.toLocaleString('en')} characters long`;

/** A member's message to the team. */
export class SupportMessageDto {
  @ApiProperty({ description: `Markdown, 1–${SUPPORT_BODY_MAX} characters` })
  @IsString({ message: 'body must be text' })
  @NoNul('body')
  @Length(1, SUPPORT_BODY_MAX, { message: BODY_MESSAGE })
  @Matches(/\S/, { message: 'body must not be empty' })
  body: string;
}

/** A moderator's message to a member: optionally with the crisis resources, optionally signed with their name. */
export class TeamMessageDto extends SupportMessageDto {
  @ApiPropertyOptional({ description: 'attach the crisis resources (CRISIS_RESOURCES) to the message' })
  @IsOptional()
  @IsBoolean({ message: 'includeResources must be true or false' })
  includeResources?: boolean;

  @ApiPropertyOptional({ description: 'show the member which moderator wrote (otherwise they see "the moderation team")' })
  @IsOptional()
  @IsBoolean({ message: 'sign must be true or false' })
  sign?: boolean;
}

export class SupportPageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'cursor must be text' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 50 })
  @LimitParam()
  limit?: number;
}

export class ConversationsQuery extends SupportPageQuery {
  @ApiPropertyOptional({ enum: ['open', 'all'], description: 'open: the member wrote last and the team has not answered yet' })
  @IsOptional()
  @IsIn(['open', 'all'], { message: 'status must be open or all' })
  status?: 'open' | 'all';
}
