import { Args, Context, Int, Mutation, Resolver } from '@nestjs/graphql';
import { AccountService } from '../accounts/account.service';
import type { AuthContext } from '../auth/auth-context';
import { clientOf, type GraphqlContext } from '../auth/client-info';
import { CurrentAuth } from '../auth/decorators/current-auth.decorator';
import { Public } from '../auth/decorators/public.decorator';
import { Roles } from '../auth/decorators/roles.decorator';
import { Role } from '../identity.constants';
import { CredentialService } from './credential.service';
import { ChangePasswordArgs } from './dto/change-password.args';
import { IssuePasswordResetArgs } from './dto/issue-password-reset.args';
import { ResetPasswordArgs } from './dto/reset-password.args';
import { PasswordResetModel } from './password-reset.model';

@Resolver()
export class PasswordResolver {
  constructor(
    private readonly credentials: CredentialService,
    private readonly accounts: AccountService,
  ) {}

  @Mutation(() => Int, {
    description:
      'Sets a new password (at least 10 characters) given the current one. This session and its tokens ' +
      'stay; every other session of the account ends. Returns how many ended.',
  })
  changePassword(
    @CurrentAuth() auth: AuthContext,
    @Args() { currentPassword, newPassword }: ChangePasswordArgs,
    @Context() context: GraphqlContext,
  ): Promise<number> {
    return this.credentials.changePassword(auth, currentPassword, newPassword, clientOf(context));
  }

  @Roles(Role.Admin)
  @Mutation(() => PasswordResetModel, {
    description:
      'Admin: issues a one-time password reset token for a local account, valid one hour; an earlier ' +
      'unused one stops working. Hand it to the member privately (there is no email delivery).',
  })
  async issuePasswordReset(
    @CurrentAuth() auth: AuthContext,
    @Args() { handle }: IssuePasswordResetArgs,
  ): Promise<PasswordResetModel> {
    const reset = await this.credentials.issueReset(handle, auth);
    return { token: reset.token, expiresAt: reset.expiresAt, account: this.accounts.toModel(reset.account) };
  }

  @Public()
  @Mutation(() => Boolean, {
    description:
      'Sets a new password with a reset token a steward issued; the token works once, and every session ' +
      'of the account ends. Log in afterwards.',
  })
  async resetPassword(
    @Args() { token, newPassword }: ResetPasswordArgs,
    @Context() context: GraphqlContext,
  ): Promise<boolean> {
    await this.credentials.resetPassword(token, newPassword, clientOf(context));
    return true;
  }
}
