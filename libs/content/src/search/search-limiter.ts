import { Injectable } from '@nestjs/common';
import { RateLimiterService } from '@guildhall/core';
import { ContentErrorCode, ContentException } from '../content.exception';

/** 30 searches a minute per account: full-text matching is the costliest read. */
const SEARCH_LIMIT = { max: 30, windowSeconds: 60 };

/** The one search budget, spent by GraphQL's searchAll and the Mastodon API's searches alike. */
@Injectable()
export class SearchLimiter {
  constructor(private readonly rateLimiter: RateLimiterService) {}

  async consume(accountId: string): Promise<void> {
    await this.rateLimiter.consume(
      `search:${accountId}`,
      SEARCH_LIMIT,
      (retryAfterSeconds) =>
        new ContentException(ContentErrorCode.RateLimited, 'Too many searches; try again later', { retryAfterSeconds }),
    );
  }
}
