import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsBoolean, IsOptional, IsString, Length, Matches, MaxLength, MinLength } from 'class-validator';

export class RegisterDto {
  @ApiProperty({ example: 'quiet_otter', description: '3–32 letters, digits or _' })
  @IsString({ message: 'username must be text' })
  @Matches(/^[A-Za-z0-9_]{3,32}$/, { message: 'username must be 3–32 characters: letters, digits and _ only' })
  username: string;

  @ApiProperty({ minLength: 8, maxLength: 256 })
  @IsString({ message: 'password must be text' })
  @Length(8, 256, { message: 'password must be 8–256 characters long' })
  password: string;

  @ApiProperty({ description: 'must be true: the community guidelines are accepted' })
  @IsBoolean({ message: 'acceptGuidelines must be true or false' })
  @Equals(true, { message: 'acceptGuidelines must be true: please accept the community guidelines' })
  acceptGuidelines: boolean;

  @ApiProperty({ description: 'must be true: the member is 16 or older' })
  @IsBoolean({ message: 'confirmAge must be true or false' })
  @Equals(true, { message: 'confirmAge must be true: Setback is for people aged 16 or older' })
  confirmAge: boolean;
}

export class RecoverDto {
  @ApiProperty()
  @IsString({ message: 'username must be text' })
  @MinLength(1, { message: 'username is required' })
  @MaxLength(64, { message: 'username is too long' })
  username: string;

  @ApiProperty({ example: 'abcd-efgh-jkmn' })
  @IsString({ message: 'code must be text' })
  @Length(1, 40, { message: 'code is required' })
  code: string;

  @ApiProperty({ minLength: 8, maxLength: 256 })
  @IsString({ message: 'newPassword must be text' })
  @Length(8, 256, { message: 'newPassword must be 8–256 characters long' })
  newPassword: string;
}

export class PasswordOnlyDto {
  @ApiProperty()
  @IsString({ message: 'password must be text' })
  @Length(1, 256, { message: 'password is required' })
  password: string;
}

export class CodeDto {
  @ApiProperty({ example: '123456' })
  @IsString({ message: 'code must be text' })
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits from your authenticator app' })
  code: string;
}

export class LoginDto {
  @ApiProperty()
  @IsString({ message: 'username must be text' })
  @MinLength(1, { message: 'username is required' })
  @MaxLength(64, { message: 'username is too long' })
  username: string;

  @ApiProperty()
  @IsString({ message: 'password must be text' })
  @MinLength(1, { message: 'password is required' })
  @MaxLength(256, { message: 'password is too long' })
  password: string;

  @ApiPropertyOptional({ description: 'the 6-digit code, when two-factor sign-in is on' })
  @IsOptional()
  @IsString({ message: 'code must be text' })
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits from your authenticator app' })
  code?: string;
}

export class ChangePasswordDto {
  @IsString({ message: 'current must be text' })
  @Length(1, 256, { message: 'current password is required' })
  current: string;

  @IsString({ message: 'next must be text' })
  @Length(8, 256, { message: 'next password must be 8–256 characters long' })
  next: string;
}
