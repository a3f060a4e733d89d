import { Args, Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { ConnectionArgs, type RequestLoaders } from '@guildhall/core';
import { AccountModel, CurrentAuth, Public, type AuthContext } from '@guildhall/identity';
import { AccountConnection } from './account-connection.model';
import { pageComplexity } from './page-complexity';
import { FollowService } from './follow.service';
import { RelationshipModel } from './relationship.model';
import { VIEWER_RELATIONSHIP } from './social.loaders';

/** The social graph's fields on Account. */
@Resolver(() => AccountModel)
export class AccountSocialResolver {
  constructor(private readonly follows: FollowService) {}

  @Public()
  @ResolveField(() => AccountConnection, {
    description: 'Accounts following this one (accepted), newest first.',
    complexity: pageComplexity,
  })
  followers(@Parent() account: AccountModel, @Args() args: ConnectionArgs): Promise<AccountConnection> {
    return this.follows.followers(account.id, args);
  }

  @Public()
  @ResolveField(() => AccountConnection, {
    description: 'Accounts this one follows (accepted), newest first.',
    complexity: pageComplexity,
  })
  following(@Parent() account: AccountModel, @Args() args: ConnectionArgs): Promise<AccountConnection> {
    return this.follows.following(account.id, args);
  }

  @Public()
  @ResolveField(() => RelationshipModel, {
    nullable: true,
    description: 'How the signed-in account relates to this one; null when anonymous.',
  })
  async viewerRelationship(
    @Parent() account: AccountModel,
    @CurrentAuth() auth: AuthContext | undefined,
    @Context('loaders') loaders: RequestLoaders,
  ): Promise<RelationshipModel | null> {
    if (!auth) return null;
    return loaders.get(VIEWER_RELATIONSHIP).load(account.id);
  }
}
