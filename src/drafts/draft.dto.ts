import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';

/** The body of `PUT /drafts/:key`. `data` is the client's own shape (a story in progress), so only its kind is checked here. */
export class SaveDraftDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'any JSON object, at most 64 KiB once serialized' })
  @IsObject({ message: 'data must be a JSON object' })
  data: Record<string, unknown>;
}

export interface DraftView {
  key: string;
  data: Record<string, unknown>;
  updatedAt: string;
}
