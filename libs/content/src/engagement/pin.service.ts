import { Injectable } from '@nestjs/common';
import { uuidv7 } from '@guildhall/core';
import type { AuthContext } from '@guildhall/identity';
import { ContentErrorCode, ContentException } from '../content.exception';
import { type PostEntity, Visibility } from '../posts/post.entity';
import { PostRepository } from '../posts/post.repository';
import { PinRepository } from './pin.repository';

/** As Mastodon: at most five pinned posts per account. */
export const MAX_PINNED_POSTS = 5;
const PINNABLE = new Set<Visibility>([Visibility.Public, Visibility.Unlisted]);

/** Posts an author pins to their profile: their own public or unlisted posts, not boosts. */
@Injectable()
export class PinService {
  constructor(
    private readonly pins: PinRepository,
    private readonly posts: PostRepository,
  ) {}

  async pin(auth: AuthContext, id: string): Promise<PostEntity> {
    const post = await this.visible(auth, id);
    if (post.boostOfId) throw new ContentException(ContentErrorCode.CannotPin, 'Boosts cannot be pinned');
    if (post.accountId !== auth.accountId) {
      throw new ContentException(ContentErrorCode.CannotPin, 'You can only pin your own posts');
    }
    if (!PINNABLE.has(post.visibility)) {
      throw new ContentException(ContentErrorCode.CannotPin, 'Only public and unlisted posts can be pinned');
    }
    await this.pins.transaction(async (manager) => {
      await this.pins.lockAccountPins(manager, auth.accountId);
      if ((await this.pins.countLive(manager, auth.accountId)) >= MAX_PINNED_POSTS) {
        const pinned = await this.pins.pinnedAmong(auth.accountId, [post.id]);
        if (pinned.has(post.id)) return;
        throw new ContentException(
          ContentErrorCode.CannotPin,
          `You have already pinned the maximum number of posts (${MAX_PINNED_POSTS})`,
        );
      }
      await this.pins.insert(manager, uuidv7(), auth.accountId, post.id);
    });
    return post;
  }

  async unpin(auth: AuthContext, id: string): Promise<PostEntity> {
    const post = await this.visible(auth, id);
    await this.pins.delete(auth.accountId, post.id);
    return post;
  }

  /** An account's pinned posts as `viewerId` (null: anonymous) may see them, latest pin first. */
  pinnedPosts(accountId: string, viewerId: string | null): Promise<PostEntity[]> {
    return this.pins.findPinned(accountId, viewerId);
  }

  private async visible(auth: AuthContext, id: string): Promise<PostEntity> {
    const post = await this.posts.findVisible(id, auth.accountId);
    if (!post) throw new ContentException(ContentErrorCode.PostNotFound, 'No such post');
    return post;
  }
}
