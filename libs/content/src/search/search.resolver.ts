import { Args, ArgsType, Field, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { IsBoolean, IsInt, IsString, Length, Max, Min } from 'class-validator';
import { ConfigService } from '@guildhall/core';
import { AccountModel, AccountService, CurrentAuth, type AuthContext } from '@guildhall/identity';
import { toPostModel } from '../posts/post.mapper';
import { PostModel } from '../posts/post.model';
import { SearchService } from './search.service';

@ArgsType()
class SearchArgs {
  @Field({ description: 'Words to find; "#tag" searches hashtags, "@name" accounts.' })
  @IsString()
  @Length(1, 200)
  query: string;

  @Field(() => Int, { nullable: true, defaultValue: 10, description: 'Per kind of result, 1 to 40.' })
  @IsInt()
  @Min(1)
  @Max(40)
  first: number = 10;

  @Field({
    nullable: true,
    defaultValue: false,
    description:
      'Also look the query up when it names one thing (user@host, a profile or post URL), fetching it from its server when it is not known here.',
  })
  @IsBoolean()
  resolve: boolean = false;
}

@ObjectType('SearchResults')
class SearchResultsModel {
  @Field(() => [AccountModel])
  accounts: AccountModel[];

  @Field(() => [String])
  hashtags: string[];

  @Field(() => [PostModel], { description: 'Posts you may see, newest first.' })
  posts: PostModel[];
}

@Resolver(() => SearchResultsModel)
export class SearchResolver {
  constructor(
    private readonly search: SearchService,
    private readonly accounts: AccountService,
    private readonly config: ConfigService,
  ) {}

  // Each list holds at most `first` (≤ 40) results, as the lists' own default bound assumes.
  @Query(() => SearchResultsModel, {
    complexity: ({ childComplexity }) => 30 + childComplexity,
    description: 'Accounts, hashtags and posts.',
  })
  async searchAll(@CurrentAuth() auth: AuthContext, @Args() args: SearchArgs): Promise<SearchResultsModel> {
    const { accounts, hashtags, posts } = await this.search.searchAll(auth.accountId, {
      text: args.query,
      limit: args.first,
      resolve: args.resolve,
    });
    return {
      accounts: accounts.map((account) => this.accounts.toModel(account)),
      hashtags,
      posts: posts.map((post) => toPostModel(post, this.config.values.publicOrigin)),
    };
  }
}
