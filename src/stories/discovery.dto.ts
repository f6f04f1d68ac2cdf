import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { LimitParam, NoNul } from '../common/validators.js';

export const LESSON_SORTS = ['helped', 'recent', 'relevant'] as const;
export type LessonSort = (typeof LESSON_SORTS)[number];

export class ListLessonsQuery {
  @IsOptional()
  @IsString({ message: 'category must be text' })
  @MaxLength(64, { message: 'category is not a known category' })
  category?: string;

  @ApiPropertyOptional({ description: 'words to find in the "what I learned" part or the title', maxLength: 200 })
  @IsOptional()
  @IsString({ message: 'q must be text' })
  @NoNul('q')
  @MaxLength(200, { message: 'q must be at most 200 characters long' })
  q?: string;

  @ApiPropertyOptional({ enum: LESSON_SORTS, description: 'default: relevant with q, helped without' })
  @IsOptional()
  @IsIn(LESSON_SORTS as unknown as string[], { message: 'sort must be helped, recent or relevant' })
  sort?: LessonSort;

  @IsOptional()
  @IsString({ message: 'cursor must be text' })
  cursor?: string;

  @LimitParam()
  limit?: number;
}

/** The text similar stories are looked for by: bounded, so no draft can make the search slow. */
export const SIMILAR_TEXT_MAX = 2000;

const SimilarLimit = (): PropertyDecorator => (target: object, key: string | symbol) => {
  IsOptional()(target, key);
  Type(() => Number)(target, key);
  IsInt({ message: 'limit must be a whole number from 1 to 10' })(target, key);
  Min(1, { message: 'limit must be a whole number from 1 to 10' })(target, key);
  Max(10, { message: 'limit must be a whole number from 1 to 10' })(target, key);
};

export class SimilarQuery {
  @ApiPropertyOptional({ description: 'while composing: the title, a blank line, then the first part', maxLength: SIMILAR_TEXT_MAX })
  @IsString({ message: 'text must be text' })
  @NoNul('text')
  @Length(1, SIMILAR_TEXT_MAX, { message: `text must be 1–${SIMILAR_TEXT_MAX.toLocaleString('en')} characters long` })
  text: string;

  @SimilarLimit()
  limit?: number;
}

export class SimilarOfStoryQuery {
  @SimilarLimit()
  limit?: number;
}
