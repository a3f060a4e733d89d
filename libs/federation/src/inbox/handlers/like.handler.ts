import type { InboxContext } from '@fedify/fedify';
import { Like } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { EngagementService, RemotePostService } from '@guildhall/content';
import { remoteActor } from '@guildhall/identity';
import type { InboxHandler } from '../inbox-handler';
import { InboxSupport } from '../inbox-support';

/** `Like` of a local post the sender may see: counted once per Like id and per account. */
@Injectable()
export class LikeHandler implements InboxHandler<Like> {
  readonly type = Like;

  constructor(
    private readonly inbox: InboxSupport,
    private readonly posts: RemotePostService,
    private readonly engagement: EngagementService,
  ) {}

  async handle(_ctx: InboxContext<void>, like: Like): Promise<void> {
    if (!like.id) return void this.inbox.refuse(like, 'a Like needs an id');
    const sender = await this.inbox.sender(like);
    if (!sender) return;
    const postId = like.objectId ? this.posts.localPostId(like.objectId.href) : null;
    if (!postId) return void this.inbox.refuse(like, 'object is not a local post');
    const post = await this.posts.findVisible(postId, sender.id);
    if (!post || post.boostOfId) return void this.inbox.refuse(like, 'post unknown or not visible to the sender');
    const outcome = await this.engagement.addLike(remoteActor(sender.id, like.id.href), post);
    this.inbox.done(like, outcome === 'changed' ? 'post liked' : 'like already counted', {
      postId,
      accountId: sender.id,
    });
  }
}
