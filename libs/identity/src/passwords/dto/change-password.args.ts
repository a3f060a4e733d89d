import { ArgsType, Field } from '@nestjs/graphql';
import { IsString, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../../identity.constants';
import { NewPasswordField } from './new-password';

@ArgsType()
export class ChangePasswordArgs {
  @Field()
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  currentPassword: string;

  @NewPasswordField()
  newPassword: string;
}
