import { Injectable } from '@nestjs/common';
import type { AccountEntity } from './account.entity';
import { RemoteLookupLimiter } from './remote-lookup.limiter';

/** Finds (fetching when needed) a remote account by `user@host` or its actor id; null when it does not exist. */
export interface RemoteAccountResolver {
  resolveHandle(handle: { username: string; domain: string }): Promise<AccountEntity | null>;
  resolveUri(uri: string): Promise<AccountEntity | null>;
}

/**
 * Where federation plugs its WebFinger lookup in: identity (and social above it) look remote
 * handles up through this without depending on the federation lib (ADR 0006's direction).
 * Without federation (CLI, unit tests) unknown remote handles stay unknown. Every lookup is
 * counted by RemoteLookupLimiter first: per request and per client address.
 */
@Injectable()
export class RemoteAccountResolvers {
  private resolver: RemoteAccountResolver | null = null;

  constructor(private readonly limiter: RemoteLookupLimiter) {}

  register(resolver: RemoteAccountResolver): void {
    this.resolver = resolver;
  }

  async resolveHandle(handle: { username: string; domain: string }): Promise<AccountEntity | null> {
    if (!this.resolver) return null;
    await this.limiter.spend();
    return this.resolver.resolveHandle(handle);
  }

  /** The actor at `uri` (an http(s) URL), fetched through federation's guarded client. */
  async resolveUri(uri: string): Promise<AccountEntity | null> {
    if (!this.resolver) return null;
    await this.limiter.spend();
    return this.resolver.resolveUri(uri);
  }
}
