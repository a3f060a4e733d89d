import { Field, InputType } from '@nestjs/graphql';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../identity.constants';

@InputType()
export class SignUpInput {
  @Field({ description: '1-30 characters: a-z, 0-9, underscore (lower-cased).' })
  @IsString()
  @Matches(/^[A-Za-z0-9_]{1,30}$/, { message: 'username must be 1 to 30 characters: a-z, 0-9 and underscore' })
  username: string;

  @Field()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @Field({ description: `At least ${PASSWORD_MIN_LENGTH} characters.` })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, {
    message: `password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
  })
  password: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  displayName?: string | null;
}
