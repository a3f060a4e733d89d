import { Args, Query, Resolver } from '@nestjs/graphql';
import type { AuthContext } from '../auth/auth-context';
import { CurrentAuth } from '../auth/decorators/current-auth.decorator';
import { Public } from '../auth/decorators/public.decorator';
import { AccountModel } from './account.model';
import { AccountService } from './account.service';
import { isStaffRole } from './staff-authority';

const isStaff = (auth: AuthContext | undefined) => isStaffRole(auth?.role);

@Resolver(() => AccountModel)
export class AccountResolver {
  constructor(private readonly accounts: AccountService) {}

  @Query(() => AccountModel, { nullable: true, description: 'The signed-in account.' })
  async viewer(@CurrentAuth() auth: AuthContext): Promise<AccountModel | null> {
    const account = await this.accounts.findById(auth.accountId);
    return account ? this.accounts.toModel(account) : null;
  }

  @Public()
  @Query(() => AccountModel, {
    nullable: true,
    description: 'An account by "alice" or "alice@host"; a suspended one only for moderators.',
  })
  async account(
    @CurrentAuth() auth: AuthContext | undefined,
    @Args('handle') handle: string,
  ): Promise<AccountModel | null> {
    const account = await this.accounts.findByHandle(handle.slice(0, 300));
    if (!account || (account.suspendedAt && !isStaff(auth))) return null;
    return this.accounts.toModel(account);
  }
}
