import { applyDecorators } from '@nestjs/common';
import { Field } from '@nestjs/graphql';
import { IsString, Length } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../identity.constants';

/** The sign-up password policy, for every field that sets a password. */
export const NewPasswordField = () =>
  applyDecorators(
    Field({ description: `At least ${PASSWORD_MIN_LENGTH} characters.` }),
    IsString(),
    Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, {
      message: `newPassword must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
    }),
  );
