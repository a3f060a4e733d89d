import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ContentErrorCode, ContentException } from '../content.exception';
import type { PostEntity } from './post.entity';
import { PostRepository } from './post.repository';

/** How long an `Idempotency-Key` names its post (Mastodon: one hour). */
export const IDEMPOTENCY_TTL_SECONDS = 3600;

export interface CreatePostOptions {
  /**
   * A client's `Idempotency-Key`: the same key from the same author within an hour returns the
   * post it made the first time, and publishes nothing.
   */
  idempotencyKey?: string;
}

/** Thrown inside the transaction when a concurrent request claimed the key first: rolls back. */
export class IdempotentReplay extends Error {}

/**
 * A client's `Idempotency-Key` for a new local post: looked up before the post is made, claimed
 * in the post's own transaction (PostService.publish), and a concurrent claim answered with the
 * post the first request made.
 */
@Injectable()
export class PostIdempotency {
  constructor(private readonly posts: PostRepository) {}

  /**
   * `create` once per (author, key) within the hour: the post made the first time when there was
   * one, or when `create` lost the claim to a concurrent request (IdempotentReplay). Without a
   * key, just `create`.
   */
  async once(accountId: string, key: string | undefined, create: () => Promise<PostEntity>): Promise<PostEntity> {
    if (key) {
      const earlier = await this.earlierPost(accountId, key);
      if (earlier) return earlier;
    }
    try {
      return await create();
    } catch (error) {
      if (!(error instanceof IdempotentReplay) || !key) throw error;
      const earlier = await this.earlierPost(accountId, key);
      if (!earlier) throw new ContentException(ContentErrorCode.PostNotFound, 'No such post');
      return earlier;
    }
  }

  /** In the post's transaction: names `postId` by the key, or throws IdempotentReplay (rolling it back). */
  async claim(manager: EntityManager, accountId: string, key: string, postId: string): Promise<void> {
    if (!(await this.posts.claimIdempotencyKey(manager, accountId, key, postId, IDEMPOTENCY_TTL_SECONDS))) {
      throw new IdempotentReplay();
    }
  }

  /** Forgets idempotency keys past their hour (an hourly job). */
  purgeExpired(): Promise<void> {
    return this.posts.purgeIdempotencyKeys(IDEMPOTENCY_TTL_SECONDS);
  }

  private async earlierPost(accountId: string, key: string): Promise<PostEntity | null> {
    const postId = await this.posts.findIdempotentPostId(accountId, key, IDEMPOTENCY_TTL_SECONDS);
    return postId ? this.posts.findById(postId) : null;
  }
}
