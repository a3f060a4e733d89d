import { Injectable } from '@nestjs/common';
import { ConfigService, uuidv7 } from '@guildhall/core';
import type { AuthContext } from '@guildhall/identity';
import { MastodonException } from '../http/mastodon.exception';
import type { MastodonWebPushSubscription } from '../serializers/mastodon-entities';
import { PushKeys } from './push-keys';
import { PUSH_ALERTS, readData, readSubscription } from './push-subscription.params';
import { PushTokenSeal } from './push-token-seal';
import type { WebPushSubscriptionEntity } from './web-push-subscription.entity';
import { WebPushSubscriptionRepository } from './web-push-subscription.repository';

/**
 * `/api/v1/push/subscription`: one subscription per access token (session), as in Mastodon.
 * Subscribing again replaces it (a new id); updating changes only its alerts and policy.
 */
@Injectable()
export class PushSubscriptionService {
  private readonly allowPrivateAddresses: boolean;

  constructor(
    private readonly subscriptions: WebPushSubscriptionRepository,
    private readonly keys: PushKeys,
    private readonly seal: PushTokenSeal,
    config: ConfigService,
  ) {
    this.allowPrivateAddresses = config.values.federationAllowPrivateAddresses;
  }

  async create(
    auth: AuthContext,
    accessToken: string,
    body: Record<string, unknown>,
  ): Promise<MastodonWebPushSubscription> {
    const input = readSubscription(body, this.allowPrivateAddresses);
    const data = readData(body);
    const saved = await this.subscriptions.replace({
      id: uuidv7(),
      sessionId: auth.sessionId,
      accountId: auth.accountId,
      endpoint: input.endpoint,
      keyP256dh: input.p256dh,
      keyAuth: input.auth,
      standard: input.standard,
      alerts: data.alerts,
      policy: data.policy,
      sealedAccessToken: this.seal.seal(accessToken),
    });
    return this.serialize(saved);
  }

  async show(auth: AuthContext): Promise<MastodonWebPushSubscription> {
    const found = await this.subscriptions.findBySession(auth.sessionId);
    if (!found) throw MastodonException.notFound();
    return this.serialize(found);
  }

  async update(auth: AuthContext, body: Record<string, unknown>): Promise<MastodonWebPushSubscription> {
    const data = readData(body);
    const updated = await this.subscriptions.updateData(auth.sessionId, data);
    if (!updated) throw MastodonException.notFound();
    return this.serialize(updated);
  }

  async remove(auth: AuthContext): Promise<Record<string, never>> {
    await this.subscriptions.deleteBySession(auth.sessionId);
    return {};
  }

  private serialize(row: WebPushSubscriptionEntity): MastodonWebPushSubscription {
    return {
      id: row.id,
      endpoint: row.endpoint,
      standard: row.standard,
      alerts: Object.fromEntries(PUSH_ALERTS.map((alert) => [alert, row.alerts[alert] === true])),
      policy: row.policy,
      server_key: this.keys.publicKey,
    };
  }
}
