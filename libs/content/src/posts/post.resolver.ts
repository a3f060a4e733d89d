import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import {
  ConfigService,
  ConnectionArgs,
  afterCursor,
  listComplexity,
  toConnection,
  toPage,
  type Connection,
  type RequestLoaders,
  UUID_PATTERN,
} from '@guildhall/core';
import {
  ACCOUNT_BY_ID,
  AccountModel,
  AccountService,
  CurrentAuth,
  Public,
  type AuthContext,
} from '@guildhall/identity';
import { MAX_ATTACHMENTS_PER_POST } from '../media/media.constants';
import { MEDIA_BY_POST_ID } from '../media/media.loaders';
import { MediaAttachmentModel } from '../media/media-attachment.model';
import { CreatePostInput } from './dto/create-post.input';
import { UpdatePostInput } from './dto/update-post.input';
import { ContentErrorCode, ContentException } from '../content.exception';
import { HASHTAGS_BY_POST_ID, MENTIONS_BY_POST_ID, VISIBLE_POST_BY_ID } from './post.loaders';
import { toPostEditModel, toPostModel } from './post.mapper';
import { PostConnection, PostEditModel, PostModel } from './post.model';
import { PostRepository } from './post.repository';
import { MAX_MENTIONS } from './local-post-drafts';
import { PostService } from './post.service';

@Resolver(() => PostModel)
export class PostResolver {
  constructor(
    private readonly service: PostService,
    private readonly posts: PostRepository,
    private readonly accounts: AccountService,
    private readonly config: ConfigService,
  ) {}

  private model = (post: Parameters<typeof toPostModel>[0]) => toPostModel(post, this.config.values.publicOrigin);

  @Mutation(() => PostModel, { description: 'Publishes a note, or an article when it has a title.' })
  async createPost(@CurrentAuth() auth: AuthContext, @Args('input') input: CreatePostInput): Promise<PostModel> {
    return this.model(await this.service.create(auth, input));
  }

  @Mutation(() => PostModel, { description: 'Edits your post; the previous version is kept in `edits`.' })
  async updatePost(
    @CurrentAuth() auth: AuthContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdatePostInput,
  ): Promise<PostModel> {
    return this.model(await this.service.update(auth, UUID_PATTERN.test(id) ? id : missing(), input));
  }

  @Mutation(() => Boolean, { description: 'Deletes your post (moderators: any post). It leaves a tombstone.' })
  deletePost(@CurrentAuth() auth: AuthContext, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.service.delete(auth, UUID_PATTERN.test(id) ? id : missing());
  }

  @Public()
  @Query(() => PostModel, {
    nullable: true,
    description: 'A post, or null when it does not exist or you may not see it.',
  })
  async post(
    @CurrentAuth() auth: AuthContext | undefined,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<PostModel | null> {
    if (!UUID_PATTERN.test(id)) return null;
    const post = await this.posts.findVisible(id, auth?.accountId ?? null);
    return post ? this.model(post) : null;
  }

  // Called directly by the schema (resolvePostFieldsDirectly): no guard, interceptor or argument here.
  @ResolveField(() => AccountModel)
  async author(@Parent() post: PostModel, @Context('loaders') loaders: RequestLoaders): Promise<AccountModel> {
    const account = await loaders.get(ACCOUNT_BY_ID).load(post.accountId);
    if (!account) throw new Error(`post ${post.id} has no author`);
    return this.accounts.toModel(account);
  }

  @ResolveField(() => PostModel, { nullable: true, description: 'The post replied to, if you may see it.' })
  async inReplyTo(@Parent() post: PostModel, @Context('loaders') loaders: RequestLoaders): Promise<PostModel | null> {
    if (!post.inReplyToId) return null;
    const parent = await loaders.get(VISIBLE_POST_BY_ID).load(post.inReplyToId);
    return parent ? this.model(parent) : null;
  }

  @ResolveField(() => PostModel, { nullable: true, description: 'For a boost: the boosted post.' })
  async boostOf(@Parent() post: PostModel, @Context('loaders') loaders: RequestLoaders): Promise<PostModel | null> {
    if (!post.boostOfId) return null;
    const original = await loaders.get(VISIBLE_POST_BY_ID).load(post.boostOfId);
    return original ? this.model(original) : null;
  }

  @ResolveField(() => PostConnection, { description: 'Visible replies, oldest first.', complexity: 20 })
  async replies(
    @Parent() post: PostModel,
    @CurrentAuth() auth: AuthContext | undefined,
    @Args() args: ConnectionArgs,
  ): Promise<Connection<PostModel>> {
    const rows = await this.posts.findReplies(post.id, auth?.accountId ?? null, afterCursor(args.after), args.first);
    return toConnection(toPage(rows, args.first), this.model);
  }

  @ResolveField(() => [PostEditModel], { description: 'Previous versions, oldest first.' })
  async edits(@Parent() post: PostModel): Promise<PostEditModel[]> {
    return post.editedAt ? (await this.posts.findEdits(post.id)).map(toPostEditModel) : [];
  }

  @ResolveField(() => String, { nullable: true, description: 'The Markdown you wrote (only for your own posts).' })
  source(@Parent() post: PostModel, @CurrentAuth() auth: AuthContext | undefined): string | null {
    return auth?.accountId === post.accountId ? post.source : null;
  }

  // Local posts carry at most 4 (remote ones up to 16): leaves, priced at the local bound.
  // Called directly by the schema (resolvePostFieldsDirectly): no guard, interceptor or argument here.
  @ResolveField(() => [MediaAttachmentModel], {
    description: 'Attached media, in order.',
    complexity: listComplexity(MAX_ATTACHMENTS_PER_POST),
  })
  media(@Parent() post: PostModel, @Context('loaders') loaders: RequestLoaders): Promise<MediaAttachmentModel[]> {
    return loaders.get(MEDIA_BY_POST_ID).load(post.id);
  }

  @ResolveField(() => [String], { description: 'Hashtags, lower-cased, without "#".' })
  tags(@Parent() post: PostModel, @Context('loaders') loaders: RequestLoaders): Promise<string[]> {
    return loaders.get(HASHTAGS_BY_POST_ID).load(post.id);
  }

  @ResolveField(() => [AccountModel], { complexity: listComplexity(MAX_MENTIONS) })
  async mentions(@Parent() post: PostModel, @Context('loaders') loaders: RequestLoaders): Promise<AccountModel[]> {
    const ids = await loaders.get(MENTIONS_BY_POST_ID).load(post.id);
    const accounts = await loaders.get(ACCOUNT_BY_ID).loadMany(ids);
    return accounts.flatMap((account) =>
      account && !(account instanceof Error) ? [this.accounts.toModel(account)] : [],
    );
  }
}

function missing(): never {
  throw new ContentException(ContentErrorCode.PostNotFound, 'No such post');
}
