import { Injectable } from '@nestjs/common';
import { LoaderFactories, type RequestLoaders } from '@guildhall/core';
import type { AuthContext } from '@guildhall/identity';
import type { SerializeContext } from '../serializers/status.serializer';

type MastodonRequest = { user?: AuthContext; mastodonLoaders?: RequestLoaders };

/** The request's loaders, created on first use: a REST request batches as a GraphQL one does. */
@Injectable()
export class MastodonLoaders {
  constructor(private readonly factories: LoaderFactories) {}

  /** `request`: Nest's or Fastify's request (the AuthGuard set `user` on it), or a stream's reader. */
  of(incoming: object): SerializeContext {
    const request = incoming as MastodonRequest;
    request.mastodonLoaders ??= this.factories.forRequest(request);
    return { loaders: request.mastodonLoaders, viewerId: request.user?.accountId ?? null };
  }
}
