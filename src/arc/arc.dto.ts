import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { NoNul } from '../common/validators.js';

export const FOLLOW_UP_MAX = 10_000;

/** A follow-up the author adds under their story ("N months later"). */
export class CreateFollowUpDto {
  @ApiProperty({ description: `Markdown, 1–${FOLLOW_UP_MAX.toLocaleString('en')} characters` })
  @IsString({ message: 'body must be text' })
  @NoNul('body')
  @Length(1, FOLLOW_UP_MAX, { message: `body must be 1–${FOLLOW_UP_MAX.toLocaleString('en')} characters long` })
  @Matches(/\S/, { message: 'body must not be empty' })
  body: string;
}

export const REMINDER_MONTHS = [1, 3, 6, 12] as const;
export type ReminderMonths = (typeof REMINDER_MONTHS)[number];

/** The author's private reminder to add a follow-up, in so many months. */
export class ReminderDto {
  @ApiProperty({ enum: REMINDER_MONTHS })
  @IsIn(REMINDER_MONTHS as unknown as number[], { message: 'inMonths must be 1, 3, 6 or 12' })
  inMonths: ReminderMonths;
}
