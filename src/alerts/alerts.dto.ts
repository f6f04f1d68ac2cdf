import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { LimitParam, NoNul } from '../common/validators.js';

export class AlertsQuery {
  @ApiPropertyOptional({ enum: ['open', 'done'], default: 'open', description: 'open: oldest first; done: most recently done first' })
  @IsOptional()
  @IsIn(['open', 'done'], { message: 'status must be one of open, done' })
  status?: 'open' | 'done';

  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString({ message: 'cursor must be text' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 20 })
  @LimitParam()
  limit?: number;
}

export class AlertDoneDto {
  @ApiPropertyOptional({ maxLength: 1000, description: 'what was done (a check-in sent, nothing needed)' })
  @IsOptional()
  @IsString({ message: 'note must be text' })
  @NoNul('note')
  @MaxLength(1000, { message: 'note must be at most 1,000 characters long' })
  note?: string;
}
