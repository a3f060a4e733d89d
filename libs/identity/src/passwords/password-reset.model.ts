import { Field, ObjectType } from '@nestjs/graphql';
import { AccountModel } from '../accounts/account.model';

@ObjectType('PasswordReset')
export class PasswordResetModel {
  @Field({ description: 'Give it to the member, privately: resetPassword takes it once, before expiresAt.' })
  token: string;

  @Field()
  expiresAt: Date;

  @Field(() => AccountModel)
  account: AccountModel;
}
