import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ConnectionArgs, type RequestLoaders } from '@guildhall/core';
import { ACCOUNT_BY_ID, AccountModel, CurrentAuth, type AuthContext } from '@guildhall/identity';
import { pageComplexity } from './page-complexity';
import { AccountDirectory } from './account-directory.service';
import { HandleArgs } from './dto/handle.args';
import { FollowConnection } from './follow-connection.model';
import { toFollowModel } from './follow.mapper';
import { FollowModel } from './follow.model';
import { FollowService } from './follow.service';

/** Follows and follow requests of the signed-in account (every operation needs a token). */
@Resolver(() => FollowModel)
export class FollowResolver {
  constructor(
    private readonly follows: FollowService,
    private readonly directory: AccountDirectory,
  ) {}

  @Mutation(() => FollowModel, {
    description: 'Follows "alice" or "alice@host"; PENDING until approved when the account approves followers.',
  })
  async follow(@CurrentAuth() auth: AuthContext, @Args() { handle }: HandleArgs): Promise<FollowModel> {
    return toFollowModel(await this.follows.follow(auth.accountId, handle));
  }

  @Mutation(() => Boolean, { description: 'Unfollows or withdraws a request; true if there was one.' })
  unfollow(@CurrentAuth() auth: AuthContext, @Args() { handle }: HandleArgs): Promise<boolean> {
    return this.follows.unfollow(auth.accountId, handle);
  }

  @Mutation(() => FollowModel, { description: 'Accepts the pending follow request of the account `handle`.' })
  async approveFollowRequest(@CurrentAuth() auth: AuthContext, @Args() { handle }: HandleArgs): Promise<FollowModel> {
    return toFollowModel(await this.follows.approve(auth.accountId, handle));
  }

  @Mutation(() => FollowModel, { description: 'Declines the pending follow request of the account `handle`.' })
  async rejectFollowRequest(@CurrentAuth() auth: AuthContext, @Args() { handle }: HandleArgs): Promise<FollowModel> {
    return toFollowModel(await this.follows.reject(auth.accountId, handle));
  }

  @Mutation(() => Boolean, { description: 'Makes the account `handle` stop following you; true if it did.' })
  removeFollower(@CurrentAuth() auth: AuthContext, @Args() { handle }: HandleArgs): Promise<boolean> {
    return this.follows.removeFollower(auth.accountId, handle);
  }

  @Query(() => FollowConnection, {
    description: 'Pending requests to follow you, newest first.',
    complexity: pageComplexity,
  })
  followRequests(@CurrentAuth() auth: AuthContext, @Args() args: ConnectionArgs): Promise<FollowConnection> {
    return this.follows.requests(auth.accountId, args);
  }

  @ResolveField(() => AccountModel)
  follower(@Parent() follow: FollowModel, @Context('loaders') loaders: RequestLoaders): Promise<AccountModel> {
    return this.account(follow.followerId, loaders);
  }

  @ResolveField(() => AccountModel)
  followee(@Parent() follow: FollowModel, @Context('loaders') loaders: RequestLoaders): Promise<AccountModel> {
    return this.account(follow.followeeId, loaders);
  }

  private async account(id: string, loaders: RequestLoaders): Promise<AccountModel> {
    const account = await loaders.get(ACCOUNT_BY_ID).load(id);
    // Follows cascade with their accounts, so a follow's accounts exist.
    if (!account) throw new Error(`account ${id} of a follow is missing`);
    return this.directory.toModel(account);
  }
}
