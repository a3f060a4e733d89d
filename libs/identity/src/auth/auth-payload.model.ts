import { Field, ObjectType } from '@nestjs/graphql';
import { AccountModel } from '../accounts/account.model';

@ObjectType('AuthPayload')
export class AuthPayloadModel {
  @Field({ description: 'A short-lived bearer token for the Authorization header.' })
  token: string;

  @Field({ description: 'When `token` expires.' })
  expiresAt: Date;

  @Field({ description: 'Trade it with refreshSession for a new token; it works once.' })
  refreshToken: string;

  @Field(() => AccountModel)
  account: AccountModel;
}
