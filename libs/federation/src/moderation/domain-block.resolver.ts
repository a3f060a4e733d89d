import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { RequestLoaders } from '@guildhall/core';
import {
  ACCOUNT_BY_ID,
  AccountModel,
  AccountService,
  CurrentAuth,
  Role,
  Roles,
  type AuthContext,
} from '@guildhall/identity';
import { toDomainBlockModel } from './domain-block.mapper';
import { DomainBlockModel, DomainBlockPreviewModel } from './domain-block.model';
import { DomainBlockService } from './domain-block.service';
import { BlockDomainArgs } from './dto/block-domain.args';
import { DomainArgs } from './dto/domain.args';

/** Domain blocks: moderators and admins only. */
@Resolver(() => DomainBlockModel)
export class DomainBlockResolver {
  constructor(
    private readonly blocks: DomainBlockService,
    private readonly accounts: AccountService,
  ) {}

  @Roles(Role.Moderator, Role.Admin)
  @Query(() => [DomainBlockModel], { description: 'Every blocked domain, by name.' })
  async domainBlocks(): Promise<DomainBlockModel[]> {
    return (await this.blocks.list()).map(toDomainBlockModel);
  }

  @Roles(Role.Moderator, Role.Admin)
  @Query(() => DomainBlockPreviewModel, {
    description: 'What blockDomain would remove now (accounts and their posts), before blocking; nothing changes.',
  })
  domainBlockPreview(@Args() { domain }: DomainArgs): Promise<DomainBlockPreviewModel> {
    return this.blocks.preview(domain);
  }

  @Roles(Role.Moderator, Role.Admin)
  @Mutation(() => DomainBlockModel, {
    description:
      'Blocks a server and its subdomains at once, and starts removing its accounts with their posts, likes, ' +
      'boosts and follows in the background (follow it in `purge`). Blocking again keeps the first reason and ' +
      'purges again.',
  })
  async blockDomain(@CurrentAuth() auth: AuthContext, @Args() args: BlockDomainArgs): Promise<DomainBlockModel> {
    return toDomainBlockModel(await this.blocks.block(auth, args.domain, args.reason ?? null));
  }

  @Roles(Role.Moderator, Role.Admin)
  @Mutation(() => Boolean, { description: 'Lifts a block; true if the domain was blocked. Nothing purged comes back.' })
  unblockDomain(@CurrentAuth() auth: AuthContext, @Args() { domain }: DomainArgs): Promise<boolean> {
    return this.blocks.unblock(auth, domain);
  }

  @ResolveField(() => AccountModel, { nullable: true, description: 'The moderator who made the block.' })
  async createdBy(
    @Parent() block: DomainBlockModel,
    @Context('loaders') loaders: RequestLoaders,
  ): Promise<AccountModel | null> {
    const account = block.createdById ? await loaders.get(ACCOUNT_BY_ID).load(block.createdById) : null;
    return account ? this.accounts.toModel(account) : null;
  }
}
