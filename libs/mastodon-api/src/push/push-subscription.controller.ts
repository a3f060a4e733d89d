import { Body, Delete, Get, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type AuthContext, CurrentAuth } from '@guildhall/identity';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { MastodonException } from '../http/mastodon.exception';
import { Scope } from '../http/scopes.decorator';
import type { MastodonWebPushSubscription } from '../serializers/mastodon-entities';
import { PushSubscriptionService } from './push-subscription.service';

type RequestBody = Record<string, unknown> | undefined;

/** Web Push subscriptions of the calling access token (Mastodon's `push` scope). */
@MastodonController('api/v1/push/subscription')
export class PushSubscriptionController {
  constructor(private readonly subscriptions: PushSubscriptionService) {}

  @MastodonPost()
  @Scope('push')
  create(
    @CurrentAuth() auth: AuthContext,
    @Req() request: FastifyRequest,
    @Body() body: RequestBody,
  ): Promise<MastodonWebPushSubscription> {
    // The guard has accepted this bearer token; the push payload hands it back to the app.
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!token) throw new MastodonException(401, 'The access token is invalid');
    return this.subscriptions.create(auth, token, body ?? {});
  }

  @Get()
  @Scope('push')
  show(@CurrentAuth() auth: AuthContext): Promise<MastodonWebPushSubscription> {
    return this.subscriptions.show(auth);
  }

  @Put()
  @Scope('push')
  update(@CurrentAuth() auth: AuthContext, @Body() body: RequestBody): Promise<MastodonWebPushSubscription> {
    return this.subscriptions.update(auth, body ?? {});
  }

  @Delete()
  @Scope('push')
  remove(@CurrentAuth() auth: AuthContext): Promise<Record<string, never>> {
    return this.subscriptions.remove(auth);
  }
}
