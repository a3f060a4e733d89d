import { Injectable } from '@nestjs/common';
import type { AccountEntity } from './account.entity';

/** Finds (fetching when needed) a remote account by `user@host`; null when it does not exist. */
export interface RemoteAccountResolver {
  resolveHandle(handle: { username: string; domain: string }): Promise<AccountEntity | null>;
}

/**
 * Where federation plugs its WebFinger lookup in: identity (and social above it) look remote
 * handles up through this without depending on the federation lib (ADR 0006's direction).
 * Without federation (CLI, unit tests) unknown remote handles stay unknown.
 */
@Injectable()
export class RemoteAccountResolvers {
  private resolver: RemoteAccountResolver | null = null;

  register(resolver: RemoteAccountResolver): void {
    this.resolver = resolver;
  }

  resolveHandle(handle: { username: string; domain: string }): Promise<AccountEntity | null> {
    return this.resolver ? this.resolver.resolveHandle(handle) : Promise.resolve(null);
  }
}
