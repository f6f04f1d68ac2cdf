import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export class DeleteAccountDto {
  @ApiProperty()
  @IsString({ message: 'password must be text' })
  @Length(1, 256, { message: 'password is required' })
  password: string;

  @ApiProperty({ enum: ['anonymize', 'erase'] })
  @IsIn(['anonymize', 'erase'], { message: 'mode must be anonymize or erase' })
  mode: 'anonymize' | 'erase';
}

export class BreakDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 365, default: 7 })
  @IsOptional()
  @IsInt({ message: 'days must be a whole number from 1 to 365' })
  @Min(1, { message: 'days must be a whole number from 1 to 365' })
  @Max(365, { message: 'days must be a whole number from 1 to 365' })
  days?: number;
}
