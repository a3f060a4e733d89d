import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { AuthContext } from '@guildhall/identity';
import { NotificationService } from '@guildhall/social';
import { ContentErrorCode, ContentException } from '../content.exception';
import type { PostEntity } from '../posts/post.entity';
import { PostRepository } from '../posts/post.repository';
import { ConversationMuteRepository } from './conversation-mute.repository';

/**
 * Muting a conversation (Mastodon's status mute): the whole thread the post is in, keyed by its
 * root, for the muting account only. Social's notifications ask `accountsMuting` (registered as
 * a silencer) and stay quiet about every post of the thread: replies, mentions, likes, boosts,
 * edits, a poll's end — as Mastodon's NotifyService does for a muted conversation.
 */
@Injectable()
export class ConversationMuteService implements OnModuleInit {
  constructor(
    private readonly mutes: ConversationMuteRepository,
    private readonly posts: PostRepository,
    private readonly notifications: NotificationService,
  ) {}

  onModuleInit(): void {
    this.notifications.silenceWith((postId, recipientIds) => this.mutes.accountsMuting(postId, recipientIds));
  }

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
