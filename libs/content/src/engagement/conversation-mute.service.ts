import { Injectable } from '@nestjs/common';
import type { AuthContext } from '@guildhall/identity';
import { ContentErrorCode, ContentException } from '../content.exception';
import type { PostEntity } from '../posts/post.entity';
import { PostRepository } from '../posts/post.repository';
import { ConversationMuteRepository } from './conversation-mute.repository';

/**
 * Muting a conversation (Mastodon's status mute): the whole thread the post is in, keyed by its
 * root, for the muting account only. Notifications read `mutedAmong` to stay quiet about it.
 */
@Injectable()
export class ConversationMuteService {
  constructor(
    private readonly mutes: ConversationMuteRepository,
    private readonly posts: PostRepository,
  ) {}

  async mute(auth: AuthContext, id: string): Promise<PostEntity> {
    const post = await this.visible(auth, id);
    await this.mutes.insert(auth.accountId, await this.posts.threadRootId(post.id));
    return post;
  }

  async unmute(auth: AuthContext, id: string): Promise<PostEntity> {
    const post = await this.visible(auth, id);
    await this.mutes.delete(auth.accountId, await this.posts.threadRootId(post.id));
    return post;
  }

  /** Which of `postIds` are in conversations `accountId` muted. */
  mutedAmong(accountId: string, postIds: string[]): Promise<Set<string>> {
    return this.mutes.mutedAmong(accountId, postIds);
  }

  private async visible(auth: AuthContext, id: string): Promise<PostEntity> {
    let post = await this.posts.findVisible(id, auth.accountId);
    if (post?.boostOfId) post = await this.posts.findVisible(post.boostOfId, auth.accountId);
    if (!post) throw new ContentException(ContentErrorCode.PostNotFound, 'No such post');
    return post;
  }
}
