import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** Text with a NUL byte is refused: PostgreSQL cannot store it and no person types it. */
export const NoNul = (field: string): PropertyDecorator => Matches(/^[^\u0000]*$/, { message: `${field} must not contain NUL characters` });

/** `limit` query parameter: 1–50. */
export const LimitParam = (): PropertyDecorator =>
  applyDecorators(
    IsOptional(),
    Type(() => Number),
    IsInt({ message: 'limit must be a whole number from 1 to 50' }),
    Min(1, { message: 'limit must be a whole number from 1 to 50' }),
    Max(50, { message: 'limit must be a whole number from 1 to 50' }),
  );
