import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import {
  ConfigService,
  ConnectionArgs,
  type Connection,
  type LoaderKey,
  type RequestLoaders,
  toConnection,
  toPage,
  UUID_PATTERN,
  afterCursor,
} from '@guildhall/core';
import { type AuthContext, CurrentAuth } from '@guildhall/identity';
import { ContentErrorCode, ContentException } from '../content.exception';
import type { PostEntity } from '../posts/post.entity';
import { toPostModel } from '../posts/post.mapper';
import { PostConnection, PostModel } from '../posts/post.model';
import { VIEWER_HAS_BOOKMARKED, VIEWER_HAS_BOOSTED, VIEWER_HAS_LIKED } from './engagement.loaders';
import { EngagementService } from './engagement.service';

/** Likes, boosts and bookmarks (members only), and what the viewer did to each post (anyone). */
@Resolver(() => PostModel)
export class EngagementResolver {
  constructor(
    private readonly service: EngagementService,
    private readonly config: ConfigService,
  ) {}

  private model = (post: PostEntity) => toPostModel(post, this.config.values.publicOrigin);

  /** Maps the post acted on and records the viewer's new state, so its field needs no query. */
  private after(post: PostEntity, loaders: RequestLoaders, key: LoaderKey<boolean>, state: boolean): PostModel {
    loaders.get(key).clear(post.id).prime(post.id, state);
    return this.model(post);
  }

  @Mutation(() => PostModel, { description: 'Likes a post (a boost: its original). Liking twice counts once.' })
  async likePost(
    @CurrentAuth() auth: AuthContext,
    @Args('id', { type: () => ID }) id: string,
    @Context('loaders') loaders: RequestLoaders,
  ): Promise<PostModel> {
    return this.after(await this.service.like(auth, postId(id)), loaders, VIEWER_HAS_LIKED, true);
  }

  @Mutation(() => PostModel, { description: 'Takes your like back; harmless when you had not liked it.' })
  async unlikePost(
    @CurrentAuth() auth: AuthContext,
    @Args('id', { type: () => ID }) id: string,
    @Context('loaders') loaders: RequestLoaders,
  ): Promise<PostModel> {
    return this.after(await this.service.unlike(auth, postId(id)), loaders, VIEWER_HAS_LIKED, false);
  }

  @Mutation(() => PostModel, {
    description: 'Boosts a PUBLIC or UNLISTED post (FORBIDDEN otherwise); returns the boosted post. Idempotent.',
  })
  async boostPost(
    @CurrentAuth() auth: AuthContext,
    @Args('id', { type: () => ID }) id: string,
    @Context('loaders') loaders: RequestLoaders,
  ): Promise<PostModel> {
    return this.after(await this.service.boost(auth, postId(id)), loaders, VIEWER_HAS_BOOSTED, true);
  }

  @Mutation(() => PostModel, { description: 'Withdraws your boost; returns the boosted post. Idempotent.' })
  async unboostPost(
    @CurrentAuth() auth: AuthContext,
    @Args('id', { type: () => ID }) id: string,
    @Context('loaders') loaders: RequestLoaders,
  ): Promise<PostModel> {
    return this.after(await this.service.unboost(auth, postId(id)), loaders, VIEWER_HAS_BOOSTED, false);
  }

  @Mutation(() => PostModel, { description: 'Bookmarks a post, privately. Idempotent.' })
  async bookmarkPost(
    @CurrentAuth() auth: AuthContext,
    @Args('id', { type: () => ID }) id: string,
    @Context('loaders') loaders: RequestLoaders,
  ): Promise<PostModel> {
    return this.after(await this.service.bookmark(auth, postId(id)), loaders, VIEWER_HAS_BOOKMARKED, true);
  }

  @Mutation(() => PostModel, { description: 'Removes a bookmark; harmless when there was none.' })
  async unbookmarkPost(
    @CurrentAuth() auth: AuthContext,
    @Args('id', { type: () => ID }) id: string,
    @Context('loaders') loaders: RequestLoaders,
  ): Promise<PostModel> {
    return this.after(await this.service.unbookmark(auth, postId(id)), loaders, VIEWER_HAS_BOOKMARKED, false);
  }

  @Query(() => PostConnection, {
    description: 'Your bookmarks of posts you may still see, most recently bookmarked first.',
    complexity: 20,
  })
  async bookmarks(@CurrentAuth() auth: AuthContext, @Args() args: ConnectionArgs): Promise<Connection<PostModel>> {
    const rows = await this.service.bookmarkedPosts(auth, afterCursor(args.after), args.first);
    return toConnection(toPage(rows, args.first), (row) => this.model(row.post));
  }

  // Viewer state of a boost is that of its original, which every action on a boost acts on.

  @ResolveField(() => Boolean, { description: 'You like this post (false when signed out).' })
  viewerHasLiked(@Parent() post: PostModel, @Context('loaders') loaders: RequestLoaders): Promise<boolean> {
    return loaders.get(VIEWER_HAS_LIKED).load(post.boostOfId ?? post.id);
  }

  @ResolveField(() => Boolean, { description: 'You boosted this post (false when signed out).' })
  viewerHasBoosted(@Parent() post: PostModel, @Context('loaders') loaders: RequestLoaders): Promise<boolean> {
    return loaders.get(VIEWER_HAS_BOOSTED).load(post.boostOfId ?? post.id);
  }

  @ResolveField(() => Boolean, { description: 'You bookmarked this post (false when signed out).' })
  viewerHasBookmarked(@Parent() post: PostModel, @Context('loaders') loaders: RequestLoaders): Promise<boolean> {
    return loaders.get(VIEWER_HAS_BOOKMARKED).load(post.boostOfId ?? post.id);
  }
}

/** A post id, or NOT_FOUND: an id that cannot exist names no post. */
function postId(id: string): string {
  if (!UUID_PATTERN.test(id)) throw new ContentException(ContentErrorCode.PostNotFound, 'No such post');
  return id.toLowerCase();
}
