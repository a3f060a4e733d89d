import { Field, InputType } from '@nestjs/graphql';
import { IsString, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../../identity.constants';

@InputType()
export class LogInInput {
  @Field()
  @IsString()
  @MaxLength(254)
  usernameOrEmail: string;

  @Field()
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;
}
