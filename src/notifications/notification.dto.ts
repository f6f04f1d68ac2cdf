import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, Equals, IsArray, IsDefined, IsOptional, IsString, Matches, ValidateBy, ValidateIf } from 'class-validator';
import type { ValidationArguments } from 'class-validator';
import { UUID_RE } from '../access/policy.js';
import { LimitParam } from '../common/validators.js';

export class ListNotificationsQuery {
  @IsOptional()
  @IsString({ message: 'cursor must be text' })
  cursor?: string;

  @LimitParam()
  limit?: number;
}

const ONE_OF = 'send either ids (a list of notification ids) or all: true, not both';

/** Refuses a field sent together with another one: `ids` and `all` exclude each other. */
const NotWith = (other: string): PropertyDecorator =>
  ValidateBy({
    name: 'notWith',
    validator: {
      validate: (_value: unknown, args?: ValidationArguments) => (args?.object as Record<string, unknown> | undefined)?.[other] === undefined,
      defaultMessage: () => ONE_OF,
    },
  });

/** The body of `POST /notifications/read`: exactly one of `{ ids }` or `{ all: true }`. */
export class MarkReadDto {
  @ApiPropertyOptional({ type: [String], description: '1–100 notification ids; ids that are not the caller’s are ignored' })
  // checked when sent, and when `all` is missing too, so that `{}` names what is expected
  @ValidateIf((o: MarkReadDto) => o.ids !== undefined || o.all === undefined)
  @IsDefined({ message: ONE_OF })
  @IsArray({ message: 'ids must be a list of notification ids' })
  @ArrayMinSize(1, { message: 'ids must hold 1–100 notification ids' })
  @ArrayMaxSize(100, { message: 'ids must hold 1–100 notification ids' })
  @IsString({ each: true, message: 'each of ids must be a notification id' })
  @Matches(UUID_RE, { each: true, message: 'each of ids must be a notification id' })
  ids?: string[];

  @ApiPropertyOptional({ enum: [true], description: 'mark every notification of the caller read' })
  @ValidateIf((o: MarkReadDto) => o.all !== undefined)
  @Equals(true, { message: 'all must be true' })
  @NotWith('ids')
  all?: true;
}
