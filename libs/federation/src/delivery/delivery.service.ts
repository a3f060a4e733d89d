import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Metrics } from '@guildhall/core';
import { FEDERATION_DELIVERY_QUEUE, FederationJob } from '../federation.constants';
import { ActorKeyService } from '../keys/actor-key.service';
import { RefusedUrlError, assertFetchable } from '../remote/safe-document-loader';
import { RemoteActorService } from '../remote/remote-actor.service';
import {
  DELIVERY_BATCH,
  DELIVERY_JOB_OPTIONS,
  type DeliveryPayload,
  MAX_DELIVERY_ATTEMPTS,
  retryDelayMs,
} from './delivery.job';
import { HostHealth } from './host-health.service';
import { bodyDigest, keyObjectOf, type SigningKey, signedPostHeaders } from './http-signature';
import { postToInbox, RequestTimeouts } from './inbox-post';

/** What one POST came to. */
type Outcome = 'delivered' | 'retry' | 'dropped';

/**
 * The recipient host's state as the POST left it (a metrics label): it answered (`up`), it did not
 * and is `failing` or now `unavailable` (skipped until it recovers), or its address is `refused`.
 * OutboundDelivery counts inboxes skipped on `unavailable` hosts.
 */
export type DeliveryHostState = 'up' | 'failing' | 'unavailable' | 'refused';

/** What the inboxes of one job share: built once per job, not per inbox. */
interface Prepared {
  key: SigningKey;
  body: Buffer;
  digest: string;
  /** The timeout of each POST (FEDERATION_TIMEOUT_MS), one timer for the job. */
  timeouts: RequestTimeouts;
}

/** Statuses worth retrying (FEDERATION.md, Delivery): 5xx, and of 4xx only these. */
const RETRYABLE_4XX = new Set([401, 408, 429]);

/**
 * Delivers an activity to remote inboxes: one job per batch of distinct inboxes, signed with the
 * sender's key when sent (every retry signs again), retried per inbox on Mastodon's schedule, and
 * per-host failures recorded (a host failing repeatedly is skipped until it recovers or talks to
 * us). Replaces Fedify's outbox queue for deliveries: bench:fanout measured ~6 ms of worker CPU
 * per Fedify delivery against ~0.5 ms for the signature (ADR 0008).
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    @InjectQueue(FEDERATION_DELIVERY_QUEUE) private readonly queue: Queue<DeliveryPayload>,
    private readonly keys: ActorKeyService,
    private readonly health: HostHealth,
    private readonly remote: RemoteActorService,
    private readonly metrics: Metrics,
  ) {}

  /** Enqueues the deliveries (fast: the sender's action never waits for a remote server). */
  async enqueue(delivery: Omit<DeliveryPayload, 'inboxes' | 'attempt'>, inboxes: string[]): Promise<void> {
    // The sender's key, loaded while the jobs are enqueued: the first delivery does not wait for it
    // when this process runs them (a failure is the delivery's to report).
    this.keys.keyPairs(delivery.senderAccountId).catch(() => undefined);
    const distinct = [...new Set(inboxes)];
    const jobs = [];
    for (let i = 0; i < distinct.length; i += DELIVERY_BATCH) {
      jobs.push({
        name: FederationJob.Deliver,
        data: { ...delivery, inboxes: distinct.slice(i, i + DELIVERY_BATCH), attempt: 0 },
        opts: DELIVERY_JOB_OPTIONS,
      });
    }
    await this.queue.addBulk(jobs);
  }

  /** One job: every inbox of the batch at once; failed ones are rescheduled one by one. */
  async deliver(job: DeliveryPayload): Promise<Record<Outcome, number>> {
    const [rsa] = await this.keys.keyPairs(job.senderAccountId);
    const body = Buffer.from(job.body);
    const prepared: Prepared = {
      key: { keyId: job.keyId, privateKey: keyObjectOf(rsa.privateKey) },
      body,
      digest: bodyDigest(body),
      timeouts: new RequestTimeouts(this.remote.policy.timeoutMs),
    };
    const outcomes = await Promise.all(job.inboxes.map((inbox) => this.post(job, inbox, prepared))).finally(() =>
      prepared.timeouts.clear(),
    );
    const counts: Record<Outcome, number> = { delivered: 0, retry: 0, dropped: 0 };
    for (const outcome of outcomes) counts[outcome] += 1;
    return counts;
  }

  private async post(job: DeliveryPayload, inbox: string, prepared: Prepared): Promise<Outcome> {
    const [outcome, hostState] = await this.attempt(job, inbox, prepared);
    this.metrics.countDeliveries(outcome, hostState);
    return outcome;
  }

  private async attempt(
    job: DeliveryPayload,
    inbox: string,
    prepared: Prepared,
  ): Promise<[Outcome, DeliveryHostState]> {
    let url: URL | undefined;
    let status: number | null = null;
    let error: string;
    try {
      url = new URL(inbox);
      assertFetchable(url, this.remote.policy);
      const headers = await signedPostHeaders(url, prepared.digest, prepared.key);
      headers['user-agent'] = this.remote.policy.userAgent;
      status = await postToInbox(
        { origin: url.origin, path: `${url.pathname}${url.search}`, headers, body: prepared.body },
        prepared.timeouts,
        this.remote.http.dispatcher,
      );
      if (status >= 200 && status < 300) {
        this.health.alive(url.host);
        return ['delivered', 'up'];
      }
      error = `HTTP ${status}`;
    } catch (err) {
      if (err instanceof RefusedUrlError || url === undefined) {
        const reason = err instanceof Error ? err.message : String(err);
        this.logger.warn({ msg: 'delivery refused', inbox, activityId: job.activityId, reason });
        return ['dropped', 'refused'];
      }
      error = err instanceof Error ? err.message : String(err);
    }
    const retryable = status === null || status >= 500 || RETRYABLE_4XX.has(status);
    this.logger.warn({ msg: 'delivery failed', inbox, activityId: job.activityId, status, error, retryable });
    // A 4xx is an answer: the host is up, whatever it thought of this delivery.
    const hostState = status === null || status >= 500 ? await this.health.failed(url.host, error) : 'up';
    if (!retryable || job.attempt + 1 >= MAX_DELIVERY_ATTEMPTS) return ['dropped', hostState];
    await this.queue.add(
      FederationJob.Deliver,
      { ...job, inboxes: [inbox], attempt: job.attempt + 1 },
      { ...DELIVERY_JOB_OPTIONS, delay: retryDelayMs(job.attempt) },
    );
    return ['retry', hostState];
  }
}
