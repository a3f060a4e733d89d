import { Injectable } from '@nestjs/common';
import { RateLimiterService, type Limit } from '@guildhall/core';
import { SocialErrorCode, SocialException } from '../social.exception';

/** Follows, blocks and mutes per account per hour: one budget, so spam cannot hop between them. */
export const GRAPH_WRITES_PER_HOUR: Limit = { max: 200, windowSeconds: 3600 };

@Injectable()
export class FollowRateLimit {
  constructor(private readonly rateLimiter: RateLimiterService) {}

  /** Counts one social-graph write by `accountId`, or throws RATE_LIMITED. */
  async consume(accountId: string): Promise<void> {
    await this.rateLimiter.consume(
      `follow:${accountId}`,
      GRAPH_WRITES_PER_HOUR,
      (retryAfterSeconds) =>
        new SocialException(SocialErrorCode.RateLimited, 'Too many follows or blocks; try again later', {
          retryAfterSeconds,
        }),
    );
  }
}
