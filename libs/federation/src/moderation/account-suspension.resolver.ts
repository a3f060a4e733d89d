import { Args, Context, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { RequestLoaders } from '@guildhall/core';
import {
  ACCOUNT_BY_ID,
  AccountModel,
  AccountService,
  CurrentAuth,
  Role,
  Roles,
  isStaffRole,
  type AuthContext,
} from '@guildhall/identity';
import { AccountSuspensionService } from './account-suspension.service';
import { AccountHandleArgs } from './dto/account-handle.args';

const isStaff = (auth: AuthContext | undefined) => isStaffRole(auth?.role);

/** Suspensions: moderators and admins only; `Account.suspendedAt` shows to them alone. */
@Resolver(() => AccountModel)
export class AccountSuspensionResolver {
  constructor(
    private readonly suspensions: AccountSuspensionService,
    private readonly accounts: AccountService,
  ) {}

  @Roles(Role.Moderator, Role.Admin)
  @Mutation(() => AccountModel, {
    description:
      'Suspends an account: it cannot log in and its sessions end, its posts are hidden everywhere. ' +
      'Nothing is deleted. Only an admin may suspend a moderator or an admin.',
  })
  async suspendAccount(@CurrentAuth() auth: AuthContext, @Args() { handle }: AccountHandleArgs): Promise<AccountModel> {
    return this.accounts.toModel(await this.suspensions.suspendAccount(auth, handle));
  }

  @Roles(Role.Moderator, Role.Admin)
  @Mutation(() => AccountModel, {
    description:
      'Lifts a suspension: the account and its posts are back. Only an admin may lift a suspension an admin ' +
      'made, or unsuspend a moderator or an admin.',
  })
  async unsuspendAccount(
    @CurrentAuth() auth: AuthContext,
    @Args() { handle }: AccountHandleArgs,
  ): Promise<AccountModel> {
    return this.accounts.toModel(await this.suspensions.unsuspendAccount(auth, handle));
  }

  @ResolveField(() => Date, {
    nullable: true,
    description: 'When a moderator suspended the account; null if it is not (or you are not a moderator).',
  })
  async suspendedAt(
    @Parent() account: AccountModel,
    @CurrentAuth() auth: AuthContext | undefined,
    @Context('loaders') loaders: RequestLoaders,
  ): Promise<Date | null> {
    if (!isStaff(auth)) return null;
    return (await loaders.get(ACCOUNT_BY_ID).load(account.id))?.suspendedAt ?? null;
  }
}
