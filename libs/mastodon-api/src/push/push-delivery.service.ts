import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import { PostRepository } from '@guildhall/content';
import { OutboundHttp } from '@guildhall/federation';
import { AccountRepository, AuthService } from '@guildhall/identity';
import { generateRequestDetails } from 'web-push';
import { AccountSerializer } from '../serializers/account.serializer';
import { PushKeys } from './push-keys';
import type { PushDeliveryPayload } from './push-delivery.job';
import { pushBody, pushTitle } from './push-message';
import type { PushAlert } from './push-subscription.params';
import { PushTokenSeal } from './push-token-seal';
import type { WebPushSubscriptionEntity } from './web-push-subscription.entity';
import { WebPushSubscriptionRepository } from './web-push-subscription.repository';

/** How long a push service keeps an undelivered message (Mastodon's TTL: 48 hours). */
const TTL_SECONDS = 48 * 3_600;

/** What happened to one delivery; a push service to try again later throws PushRetryError instead. */
export type PushOutcome = 'sent' | 'subscription-gone' | 'session-ended' | 'not-wanted' | 'refused';

/** The push service is down or throttling: BullMQ retries the job with backoff. */
export class PushRetryError extends Error {
  constructor(readonly status: number) {
    super(`push service answered ${status}`);
    this.name = 'PushRetryError';
  }
}

/**
 * Sends one notification to one Web Push subscription: Mastodon's payload, encrypted for the
 * app's keys (RFC 8291 aes128gcm for `standard` subscriptions, the draft aesgcm Mastodon 4.3
 * sends otherwise) and signed with the instance's VAPID key by `web-push`, and POSTed through the
 * one guarded outbound client (ADR 0018), so private addresses are refused unless allowed.
 * 404/410 delete the subscription; 429 and 5xx are retried; other answers end the job.
 */
@Injectable()
export class PushDelivery {
  private readonly logger = new Logger(PushDelivery.name);
  private readonly subject: string;

  constructor(
    private readonly subscriptions: WebPushSubscriptionRepository,
    private readonly auth: AuthService,
    private readonly accounts: AccountRepository,
    private readonly posts: PostRepository,
    private readonly accountSerializer: AccountSerializer,
    private readonly keys: PushKeys,
    private readonly seal: PushTokenSeal,
    private readonly http: OutboundHttp,
    config: ConfigService,
  ) {
    const { publicOrigin, instance } = config.values;
    const origin = new URL(publicOrigin);
    // VAPID's subject must be an https URL or a mailto: address (RFC 8292).
    this.subject =
      origin.protocol === 'https:' ? origin.origin : `mailto:${instance.contactEmail || `push@${origin.hostname}`}`;
  }

  async deliver(job: PushDeliveryPayload): Promise<PushOutcome> {
    const subscription = await this.subscriptions.findById(job.subscriptionId);
    if (!subscription || subscription.accountId !== job.accountId) return 'subscription-gone';
    const [live] = await this.auth.liveSessionIds([subscription.sessionId]);
    const token = live ? this.seal.open(subscription.sealedAccessToken) : null;
    if (!token) {
      // The app's token was revoked (or no longer opens): its subscription goes with it.
      await this.subscriptions.deleteByIds([subscription.id]);
      return 'session-ended';
    }
    if (subscription.alerts[job.type] !== true) return 'not-wanted';
    const payload = await this.payload(job, token);
    if (!payload) return 'not-wanted';
    return this.send(subscription, payload, job);
  }

  private async payload(job: PushDeliveryPayload, accessToken: string): Promise<string | null> {
    const from = await this.accounts.findById(job.fromAccountId);
    if (!from) return null;
    const post = job.postId ? await this.posts.findById(job.postId) : null;
    const text = post && !post.deletedAt ? post.contentWarning || post.content : (from.bio ?? '');
    return JSON.stringify({
      access_token: accessToken,
      preferred_locale: 'en',
      notification_id: job.notificationId,
      notification_type: job.type,
      icon: this.accountSerializer.serialize(from).avatar_static,
      title: pushTitle(job.type as PushAlert, from.displayName || from.username),
      body: pushBody(text),
    });
  }

  private async send(
    subscription: WebPushSubscriptionEntity,
    payload: string,
    job: PushDeliveryPayload,
  ): Promise<PushOutcome> {
    const details = generateRequestDetails(
      { endpoint: subscription.endpoint, keys: { p256dh: subscription.keyP256dh, auth: subscription.keyAuth } },
      payload,
      {
        vapidDetails: { subject: this.subject, publicKey: this.keys.publicKey, privateKey: this.keys.privateKey },
        TTL: TTL_SECONDS,
        contentEncoding: subscription.standard ? 'aes128gcm' : 'aesgcm',
      },
    );
    const headers = new Headers();
    for (const [name, value] of Object.entries(details.headers)) {
      // fetch computes the length itself.
      if (name.toLowerCase() !== 'content-length') headers.set(name, String(value));
    }
    headers.set('user-agent', this.http.userAgent);
    const context = { notificationId: job.notificationId, subscriptionId: subscription.id };
    let response: Response;
    try {
      response = await this.http.fetch(
        new Request(details.endpoint, { method: 'POST', headers, body: new Uint8Array(details.body) }),
      );
    } catch (error) {
      if (refusedAddress(error)) {
        this.logger.warn({ msg: 'push endpoint on a refused address; not sent', ...context });
        return 'refused';
      }
      throw error;
    }
    await response.body?.cancel();
    if (response.ok) return 'sent';
    if (response.status === 404 || response.status === 410) {
      await this.subscriptions.deleteByIds([subscription.id]);
      this.logger.log({ msg: 'push subscription gone; deleted', status: response.status, ...context });
      return 'subscription-gone';
    }
    if (response.status === 429 || response.status >= 500) throw new PushRetryError(response.status);
    this.logger.warn({ msg: 'push service refused the notification; dropped', status: response.status, ...context });
    return 'refused';
  }
}

/** The guarded client's refusal (a private address): trying again cannot help. */
function refusedAddress(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if ((cause as { code?: string }).code === 'EPRIVATEADDRESS') return true;
  }
  return false;
}
