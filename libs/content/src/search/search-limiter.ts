import { Injectable } from '@nestjs/common';
import { RateLimiterService, requestContext } from '@guildhall/core';
import { ContentErrorCode, ContentException } from '../content.exception';

/** 30 searches a minute per account: full-text matching is the costliest read. */
const SEARCH_LIMIT = { max: 30, windowSeconds: 60 };

/** The one search budget, spent by GraphQL's searchAll and the Mastodon API's searches alike. */
@Injectable()
export class SearchLimiter {
  constructor(private readonly rateLimiter: RateLimiterService) {}

  /** `accountId` null: an anonymous search (Mastodon allows one), limited per client address. */
  async consume(accountId: string | null): Promise<void> {
    const who = accountId ?? `ip:${requestContext.getStore()?.clientIp ?? 'unknown'}`;
    await this.rateLimiter.consume(
      `search:${who}`,
      SEARCH_LIMIT,
      (retryAfterSeconds) =>
        new ContentException(ContentErrorCode.RateLimited, 'Too many searches; try again later', { retryAfterSeconds }),
    );
  }
}
