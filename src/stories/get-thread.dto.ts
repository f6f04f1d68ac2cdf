import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { LimitParam } from '../common/validators.js';

/** `GET /threads/:id?include=replies[&limit=]`: the story with the first page of its replies (`limit` as for that page). */
export class GetThreadQuery {
  @ApiPropertyOptional({ enum: ['replies'], description: "replies: also the first page of the story's replies, as `replies` (what GET /threads/:id/replies answers)" })
  @IsOptional()
  @IsIn(['replies'], { message: 'include must be replies' })
  include?: 'replies';

  @LimitParam()
  limit?: number;
}
