import { ArgsType, Field } from '@nestjs/graphql';
import { IsString, Length } from 'class-validator';
import { NewPasswordField } from './new-password';

@ArgsType()
export class ResetPasswordArgs {
  @Field({ description: 'The one-time token a steward issued (issuePasswordReset or the CLI).' })
  @IsString()
  @Length(1, 200)
  token: string;

  @NewPasswordField()
  newPassword: string;
}
