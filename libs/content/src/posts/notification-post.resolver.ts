import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { ConfigService, type RequestLoaders } from '@guildhall/core';
import { NotificationModel } from '@guildhall/social';
import { VISIBLE_POST_BY_ID } from './post.loaders';
import { toPostModel } from './post.mapper';
import { PostModel } from './post.model';

/** `Notification.post`: social knows posts only as ids, so content adds the field (see ADR 6). */
@Resolver(() => NotificationModel)
export class NotificationPostResolver {
  constructor(private readonly config: ConfigService) {}

  @ResolveField(() => PostModel, { nullable: true, description: 'The post concerned, while you may see it.' })
  async post(
    @Parent() notification: NotificationModel,
    @Context('loaders') loaders: RequestLoaders,
  ): Promise<PostModel | null> {
    if (!notification.postId) return null;
    const post = await loaders.get(VISIBLE_POST_BY_ID).load(notification.postId);
    return post ? toPostModel(post, this.config.values.publicOrigin) : null;
  }
}
