import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentAuth, type AuthContext } from '@guildhall/identity';
import { ListAccountsInput, ListInput } from './dto/list.input';
import { ListModel, toListModel } from './list.model';
import { ListService } from './list.service';

/** The signed-in account's lists (every operation needs a token; others' lists are NOT_FOUND). */
@Resolver(() => ListModel)
export class ListResolver {
  constructor(private readonly service: ListService) {}

  @Query(() => [ListModel], { description: 'Your lists, oldest first.' })
  async lists(@CurrentAuth() auth: AuthContext): Promise<ListModel[]> {
    return (await this.service.findOwned(auth.accountId)).map(toListModel);
  }

  @Mutation(() => ListModel)
  async createList(@CurrentAuth() auth: AuthContext, @Args('input') input: ListInput): Promise<ListModel> {
    return toListModel(await this.service.create(auth.accountId, input));
  }

  @Mutation(() => ListModel)
  async updateList(
    @CurrentAuth() auth: AuthContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: ListInput,
  ): Promise<ListModel> {
    return toListModel(await this.service.update(auth.accountId, id, input));
  }

  @Mutation(() => Boolean)
  async deleteList(@CurrentAuth() auth: AuthContext, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    await this.service.delete(auth.accountId, id);
    return true;
  }

  @Mutation(() => ListModel, {
    description: 'Adds accounts you follow (or asked to follow), all or none: BAD_USER_INPUT for any other.',
  })
  async addListAccounts(
    @CurrentAuth() auth: AuthContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: ListAccountsInput,
  ): Promise<ListModel> {
    await this.service.addMembers(auth.accountId, id, input.accountIds);
    return toListModel(await this.service.get(auth.accountId, id));
  }

  @Mutation(() => ListModel)
  async removeListAccounts(
    @CurrentAuth() auth: AuthContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: ListAccountsInput,
  ): Promise<ListModel> {
    await this.service.removeMembers(auth.accountId, id, input.accountIds);
    return toListModel(await this.service.get(auth.accountId, id));
  }
}
