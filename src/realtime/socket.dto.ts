import { Transform } from 'class-transformer';
import { IsDate, IsOptional, IsString, Matches, MaxDate, MinDate } from 'class-validator';
import { UUID_RE } from '../access/policy.js';

const EARLIEST = new Date(Date.UTC(2020, 0, 1));
const SINCE_MESSAGE = 'since must be a recent time (ISO 8601 or milliseconds)';

/** A reply id as a number (what a client may hold after JSON) becomes the decimal string the API speaks. */
const toReplyId = ({ value }: { value: unknown }): unknown => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : value);

/** An ISO string or milliseconds becomes a Date; anything else stays as it came, for the validator to refuse. */
const toTime = ({ value }: { value: unknown }): unknown =>
  typeof value === 'number' || (typeof value === 'string' && value.length <= 40) ? new Date(value) : value;

/** `thread.leave {threadId}` and `typing {threadId}`. */
export class ThreadRefDto {
  @IsString({ message: 'threadId must be a story id' })
  @Matches(UUID_RE, { message: 'threadId must be a story id' })
  threadId: string;
}

/** `thread.join {threadId, after?, since?}`: `after` the last reply id the client holds, `since` when it lost the connection. */
export class ThreadJoinDto extends ThreadRefDto {
  @IsOptional()
  @Transform(toReplyId)
  @IsString({ message: 'after must be a reply id' })
  @Matches(/^(0|[1-9]\d{0,17})$/, { message: 'after must be a reply id (a whole number)' })
  after?: string | null;

  @IsOptional()
  @Transform(toTime)
  @IsDate({ message: SINCE_MESSAGE })
  @MinDate(EARLIEST, { message: SINCE_MESSAGE })
  @MaxDate(() => new Date(Date.now() + 86_400_000), { message: SINCE_MESSAGE })
  since?: Date | null;
}
