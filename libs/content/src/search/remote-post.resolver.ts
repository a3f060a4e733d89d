import { Injectable } from '@nestjs/common';
import type { PostEntity } from '../posts/post.entity';

/**
 * What looking a remote URL up as a post found: the post (stored here now, and visible to the
 * reader), the id of the actor the URL turned out to name, or why nothing is shown. Refusals are
 * expected outcomes (a dead link, a blocked domain, a post the reader may not see), not errors.
 */
export type RemotePostLookup = { post: PostEntity } | { actorUri: string } | { refused: string };

/** Fetches, verifies and stores a remote post by its URL for a reader (the federation lib provides it). */
export interface RemotePostResolver {
  resolvePost(url: string, readerId: string): Promise<RemotePostLookup>;
}

/**
 * Where federation plugs its remote post lookup in, so that search can resolve a pasted post URL
 * without the content lib importing federation (ADR 0006's direction; the shape of identity's
 * RemoteAccountResolvers and MediaReaderResolvers). Without federation (CLI, unit tests) remote
 * posts stay unknown.
 */
@Injectable()
export class RemotePostResolvers {
  private resolver: RemotePostResolver | null = null;

  register(resolver: RemotePostResolver): void {
    this.resolver = resolver;
  }

  resolvePost(url: string, readerId: string): Promise<RemotePostLookup> {
    if (!this.resolver) return Promise.resolve({ refused: 'remote posts are not looked up in this process' });
    return this.resolver.resolvePost(url, readerId);
  }
}
