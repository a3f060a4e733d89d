import { Injectable } from '@nestjs/common';
import { ContentErrorCode, ContentException } from '../content.exception';
import { type FollowedHashtag, type HashtagRef, TagFollowRepository, type TagPage } from './tag-follow.repository';

/** A hashtag's name as posts carry it: letters, digits and underscores, not only digits. */
const TAG_NAME = /^[\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*$/u;
const MAX_TAG_LENGTH = 100;

/** Following hashtags (Mastodon's followed tags); names are compared lower-cased, without "#". */
@Injectable()
export class TagFollowService {
  constructor(private readonly tags: TagFollowRepository) {}

  /** The tag's stored name, or INVALID_HASHTAG. */
  normalize(name: string): string {
    const bare = name.trim().replace(/^#/, '');
    if (!TAG_NAME.test(bare) || [...bare].length > MAX_TAG_LENGTH) {
      throw new ContentException(ContentErrorCode.InvalidHashtag, 'Not a hashtag name', { name: name.slice(0, 200) });
    }
    return bare.toLowerCase();
  }

  /** The tag if it exists, else HASHTAG_NOT_FOUND. */
  async require(name: string): Promise<HashtagRef> {
    const tag = await this.tags.findByName(this.normalize(name));
    if (!tag) throw new ContentException(ContentErrorCode.HashtagNotFound, 'No such hashtag');
    return tag;
  }

  follow(accountId: string, name: string): Promise<HashtagRef> {
    return this.tags.follow(accountId, this.normalize(name));
  }

  /** Unfollowing a tag nobody posted nor followed is not found. */
  async unfollow(accountId: string, name: string): Promise<HashtagRef> {
    const tag = await this.require(name);
    await this.tags.unfollow(accountId, tag.name);
    return tag;
  }

  isFollowing(accountId: string, name: string): Promise<boolean> {
    return this.tags.followedAmong(accountId, [name]).then((found) => found.has(name));
  }

  list(accountId: string, page: TagPage): Promise<FollowedHashtag[]> {
    return this.tags.page(accountId, page);
  }
}
