import { Injectable } from '@nestjs/common';
import { ConfigService, RateLimiterService, requestContext } from '@guildhall/core';
import { IdentityErrorCode, IdentityException } from '../identity.exception';

/** The per-address window of remote lookups. */
const WINDOW_SECONDS = 60;

/**
 * Bounds what one client can make this server fetch: a remote account lookup (a WebFinger query
 * and an actor fetch, each an outbound connection) counts against the HTTP request it came in
 * (at most REMOTE_LOOKUPS_PER_REQUEST: 480 aliased `account(handle)` fields in one
 * query otherwise opened 480 connections) and against the client's address per minute
 * (RATE_LIMIT_REMOTE_LOOKUPS). Lookups outside a request (the worker, the CLI) are not
 * limited here.
 */
@Injectable()
export class RemoteLookupLimiter {
  constructor(
    private readonly config: ConfigService,
    private readonly rateLimiter: RateLimiterService,
  ) {}

  /** Counts one lookup; throws TOO_MANY_REMOTE_LOOKUPS or RATE_LIMITED when it may not be made. */
  async spend(): Promise<void> {
    const request = requestContext.getStore();
    if (!request) return;
    const { remoteLookupsPerRequest, remoteLookupsPerIp } = this.config.values.rateLimits;
    request.remoteLookups = (request.remoteLookups ?? 0) + 1;
    if (request.remoteLookups > remoteLookupsPerRequest) {
      throw new IdentityException(
        IdentityErrorCode.TooManyRemoteLookups,
        `At most ${remoteLookupsPerRequest} remote accounts are looked up per request`,
        { limit: remoteLookupsPerRequest },
      );
    }
    if (!request.clientIp) return;
    await this.rateLimiter.consume(
      `remote-lookup:ip:${request.clientIp}`,
      { max: remoteLookupsPerIp, windowSeconds: WINDOW_SECONDS },
      (retryAfterSeconds) =>
        new IdentityException(IdentityErrorCode.RateLimited, 'Too many remote account lookups; try again later', {
          retryAfterSeconds,
        }),
    );
  }
}
