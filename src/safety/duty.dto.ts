import { IsBoolean } from 'class-validator';

export class DutyDto {
  @IsBoolean({ message: 'onDuty must be true or false' })
  onDuty: boolean;
}
