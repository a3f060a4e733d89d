import {
  Args,
  ArgsType,
  Context,
  Field,
  ID,
  Parent,
  Query,
  registerEnumType,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { IsEnum, IsString, Matches } from 'class-validator';
import {
  ConfigService,
  ConnectionArgs,
  toConnection,
  toPage,
  type Connection,
  type RequestLoaders,
  afterCursor,
} from '@guildhall/core';
import { ListService } from '@guildhall/social';
import {
  ACCOUNT_BY_ID,
  AccountModel,
  CurrentAuth,
  IdentityErrorCode,
  IdentityException,
  Public,
  type AuthContext,
} from '@guildhall/identity';
import { toPostModel } from '../posts/post.mapper';
import { PostConnection, PostModel } from '../posts/post.model';
import { MEDIA_BY_POST_ID } from '../media/media.loaders';
import { toMediaModel } from '../media/media.mapper';
import { TimelineRepository } from './timeline.repository';
import type { TimelinePage, TimelinePost } from './timeline.types';

export enum TimelineKind {
  HOME = 'HOME',
  LOCAL = 'LOCAL',
  FEDERATED = 'FEDERATED',
}

registerEnumType(TimelineKind, {
  name: 'TimelineKind',
  description:
    'HOME: you and whom you follow (needs a token). LOCAL: public posts written here. ' +
    'FEDERATED: public posts known here.',
});

@ArgsType()
class TimelineArgs extends ConnectionArgs {
  @Field(() => TimelineKind)
  @IsEnum(TimelineKind)
  kind: TimelineKind;
}

@ArgsType()
class ListTimelineArgs extends ConnectionArgs {
  @Field(() => ID, { description: 'One of your lists.' })
  @IsString()
  id: string;
}

@ArgsType()
class HashtagTimelineArgs extends ConnectionArgs {
  @Field({ description: 'Without "#", any case.' })
  @IsString()
  @Matches(/^#?[\p{L}\p{N}_]{1,100}$/u, { message: 'tag must be letters, digits or underscores' })
  tag: string;
}

const TIMELINE_COMPLEXITY = 25;

/** Who reads, from where, how many: the same for every timeline. */
function pageRequest(auth: AuthContext | undefined, args: ConnectionArgs): TimelinePage {
  return { viewerId: auth?.accountId ?? null, afterId: afterCursor(args.after), limit: args.first };
}

/** A page whose authors and media came with it: hand them to the request's loaders. */
function pageOf(rows: TimelinePost[], first: number, loaders: RequestLoaders, origin: string): Connection<PostModel> {
  const authors = loaders.get(ACCOUNT_BY_ID);
  const media = loaders.get(MEDIA_BY_POST_ID);
  for (const row of rows) {
    authors.prime(row.accountId, row.account);
    media.prime(
      row.id,
      row.media.map((attachment) => toMediaModel(attachment, origin)),
    );
  }
  return toConnection(toPage(rows, first), (row) => toPostModel(row, origin));
}

@Resolver(() => PostModel)
export class TimelineResolver {
  constructor(
    private readonly timelines: TimelineRepository,
    private readonly lists: ListService,
    private readonly config: ConfigService,
  ) {}

  private connection(rows: TimelinePost[], first: number, loaders: RequestLoaders): Connection<PostModel> {
    return pageOf(rows, first, loaders, this.config.values.publicOrigin);
  }

  @Public()
  @Query(() => PostConnection, { complexity: TIMELINE_COMPLEXITY })
  async timeline(
    @CurrentAuth() auth: AuthContext | undefined,
    @Args() args: TimelineArgs,
    @Context('loaders') loaders: RequestLoaders,
  ): Promise<Connection<PostModel>> {
    const page = pageRequest(auth, args);
    switch (args.kind) {
      case TimelineKind.HOME:
        if (!auth) throw new IdentityException(IdentityErrorCode.Unauthenticated, 'The HOME timeline needs a token');
        return this.connection(await this.timelines.home({ ...page, viewerId: auth.accountId }), args.first, loaders);
      case TimelineKind.LOCAL:
        return this.connection(await this.timelines.publicPosts(page, true), args.first, loaders);
      case TimelineKind.FEDERATED:
        return this.connection(await this.timelines.publicPosts(page, false), args.first, loaders);
    }
  }

  @Query(() => PostConnection, {
    complexity: TIMELINE_COMPLEXITY,
    description: "One of your lists: its members' posts and boosts, with HOME's rules and the list's replies policy.",
  })
  async listTimeline(
    @CurrentAuth() auth: AuthContext,
    @Args() args: ListTimelineArgs,
    @Context('loaders') loaders: RequestLoaders,
  ): Promise<Connection<PostModel>> {
    const list = await this.lists.get(auth.accountId, args.id);
    const page = { ...pageRequest(auth, args), viewerId: auth.accountId };
    return this.connection(await this.timelines.list(page, list.id), args.first, loaders);
  }

  @Public()
  @Query(() => PostConnection, { complexity: TIMELINE_COMPLEXITY, description: 'Public posts with a hashtag.' })
  async hashtagTimeline(
    @CurrentAuth() auth: AuthContext | undefined,
    @Args() args: HashtagTimelineArgs,
    @Context('loaders') loaders: RequestLoaders,
  ): Promise<Connection<PostModel>> {
    const tag = args.tag.replace(/^#/, '').toLowerCase();
    const page = pageRequest(auth, args);
    return this.connection(await this.timelines.hashtag(page, tag), args.first, loaders);
  }
}

/** `Account.posts`: an account's posts and boosts as the reader may see them. */
@Resolver(() => AccountModel)
export class AccountPostsResolver {
  constructor(
    private readonly timelines: TimelineRepository,
    private readonly config: ConfigService,
  ) {}

  @ResolveField(() => PostConnection, { complexity: TIMELINE_COMPLEXITY })
  async posts(
    @Parent() account: AccountModel,
    @CurrentAuth() auth: AuthContext | undefined,
    @Args() args: ConnectionArgs,
    @Context('loaders') loaders: RequestLoaders,
  ): Promise<Connection<PostModel>> {
    const page = pageRequest(auth, args);
    return pageOf(await this.timelines.account(page, account.id), args.first, loaders, this.config.values.publicOrigin);
  }
}
