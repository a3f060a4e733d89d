import { createExponentialBackoffPolicy, createFederation, type Federation, SendActivityError } from '@fedify/fedify';
import { FetchError } from '@fedify/fedify/runtime';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService, QueueMetrics, queueConnection } from '@guildhall/core';
import { AccountRepository, type AccountEntity } from '@guildhall/identity';
import { ACTOR_PATH, INSTANCE_ACTOR_PATH, SHARED_INBOX_PATH, toPerson } from './actors/actor.mapper';
import { FetchAuthorizer } from './actors/fetch-authorizer';
import { CollectionDispatchers } from './collections/collection-dispatchers';
import { FederationHostRepository } from './delivery/federation-host.repository';
import { INBOX_HANDLERS, type InboxHandler } from './inbox/inbox-handler';
import { InboxBatcher } from './inbox/inbox-batcher';
import { InboxIdempotency, withoutFedifyIdempotence } from './inbox/inbox-idempotency';
import { BullMqMessageQueue } from './queue/bullmq-message.queue';
import { RemoteActorService } from './remote/remote-actor.service';
import { safeDocumentLoader } from './remote/safe-document-loader';
import { PostgresKvStore } from './kv/postgres-kv.store';
import { ActorKeyService } from './keys/actor-key.service';
import { confirmedKeyLoader } from './keys/key-ownership';
import { ObjectDispatchers } from './objects/object-dispatchers';

/**
 * The Fedify `Federation` for this process: actors, their keys and collections, WebFinger.
 * The identifier in every route is the local username, so ids stay `${origin}/users/<username>`.
 */
@Injectable()
export class FederationService implements OnModuleDestroy {
  private readonly logger = new Logger(FederationService.name);
  readonly federation: Federation<void>;
  readonly queue: BullMqMessageQueue;
  private readonly origin: string;

  constructor(
    config: ConfigService,
    kv: PostgresKvStore,
    private readonly accounts: AccountRepository,
    private readonly keys: ActorKeyService,
    private readonly objects: ObjectDispatchers,
    private readonly collections: CollectionDispatchers,
    private readonly fetches: FetchAuthorizer,
    private readonly remote: RemoteActorService,
    private readonly hosts: FederationHostRepository,
    @Inject(INBOX_HANDLERS) private readonly inboxHandlers: InboxHandler[],
    private readonly idempotency: InboxIdempotency,
    queueMetrics: QueueMetrics,
    batcher: InboxBatcher,
  ) {
    const { federation, publicOrigin } = config.values;
    this.origin = publicOrigin;
    // Fedify's own requests (sendActivity's POSTs) use the global fetch: RemoteActorService's
    // OutboundHttp installed its guarded dispatcher as undici's global one (ADR 0018).
    this.queue = new BullMqMessageQueue(queueConnection(config), federation.concurrency, queueMetrics, batcher);
    const documentLoader = confirmedKeyLoader(remote.contextLoader, remote.contextLoader);
    this.federation = createFederation<void>({
      // Processed activities are recorded by InboxIdempotency (accepted ones only, by actor origin).
      kv: withoutFedifyIdempotence(kv),
      queue: this.queue,
      // Only worker processes run queued work (FederationQueueRunner); servers only enqueue.
      manuallyStartQueue: true,
      origin: publicOrigin,
      // No `allowPrivateAddress`: Fedify refuses it beside custom loader factories, and ours apply
      // FEDERATION_ALLOW_PRIVATE_ADDRESSES themselves (safe-document-loader, outbound-http).
      // Every key Fedify verifies with arrives through one of these: a key whose claimed owner
      // does not confirm it is refused there (keys/key-ownership.ts, ADR 0017).
      documentLoaderFactory: () => documentLoader,
      contextLoaderFactory: () => remote.contextLoader,
      authenticatedDocumentLoaderFactory: (identity) =>
        confirmedKeyLoader(safeDocumentLoader(remote.policy, identity), remote.contextLoader),
      // The window is Mastodon's, checked before Fedify sees a signed request (http/signature-window.ts).
      signatureTimeWindow: false,
      // Mastodon verifies draft-cavage everywhere; RFC 9421 is tried second by Fedify's double-knock.
      firstKnock: 'draft-cavage-http-signatures-12',
      // Mastodon-like: 16 attempts over about 2.7 days (15 s doubling, capped at 12 h).
      outboxRetryPolicy: createExponentialBackoffPolicy({
        initialDelay: { seconds: 15 },
        maxDelay: { hours: 12 },
        maxAttempts: 16,
      }),
      inboxRetryPolicy: createExponentialBackoffPolicy({ maxAttempts: 8, maxDelay: { hours: 1 } }),
      // 4xx other than 401/408/429 will not get better by retrying (FEDERATION.md, Delivery).
      permanentFailureStatusCodes: [400, 403, 404, 405, 410, 413, 415, 422],
      onOutboxError: (error, activity) => this.deliveryFailed(error, activity?.id?.href ?? null),
      circuitBreaker: {
        onStateChange: (host, _previous, next) =>
          next === 'open'
            ? this.hosts.markUnavailable(host)
            : next === 'closed'
              ? this.hosts.markAvailable(host)
              : undefined,
      },
    });
    this.setUpActors();
    this.collections.register(this.federation);
    this.objects.register(this.federation);
    this.setUpInbox();
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
  }

  private async deliveryFailed(error: Error, activityId: string | null): Promise<void> {
    // A SendActivityError (an HTTP answer) and a FetchError (no answer: refused, timed out) name the inbox.
    const inbox = error instanceof SendActivityError ? error.inbox : error instanceof FetchError ? error.url : null;
    // fetch's "fetch failed" says nothing: the causes say why (a refused private address, a reset…).
    const reason = causes(error).join(': ');
    this.logger.warn({ msg: 'delivery failed', activityId, inbox: inbox?.href, err: reason });
    if (inbox) await this.hosts.recordFailure(inbox.host, reason);
  }

  /**
   * The shared inbox and every actor's inbox. Handlers run in the worker (the HTTP side verifies
   * and enqueues); an activity a handler accepted is processed once however many of our inboxes
   * it reaches (InboxIdempotency; Fedify's own record is off, whatever `withIdempotency` says).
   */
  private setUpInbox(): void {
    const setters = this.federation
      .setInboxListeners(`${ACTOR_PATH}/inbox`, SHARED_INBOX_PATH)
      .withIdempotency('global')
      // The shared inbox fetches (objects, actors) as the instance actor.
      .setSharedKeyDispatcher(async () => {
        const signer = await this.remote.instanceSigner();
        return { keyId: signer.keyId, privateKey: signer.privateKey };
      })
      .onError((_ctx, error) => {
        this.logger.error({ msg: 'inbox handler failed', err: error });
      });
    for (const handler of this.inboxHandlers) {
      setters.on(handler.type, (ctx, activity) => this.idempotency.once(activity, () => handler.handle(ctx, activity)));
    }
  }

  /** The instance actor's id (it is served outside Fedify's actor route). */
  instanceActorId(): URL {
    return new URL(`${this.origin}${INSTANCE_ACTOR_PATH}`);
  }

  private findLocal(identifier: string): Promise<AccountEntity | null> {
    return this.accounts.findActiveLocal(identifier);
  }

  private setUpActors(): void {
    this.federation
      .setActorDispatcher(ACTOR_PATH, async (ctx, identifier) => {
        const account = await this.findLocal(identifier);
        if (!account) return null;
        return toPerson(ctx, account, await ctx.getActorKeyPairs(identifier));
      })
      .setKeyPairsDispatcher(async (_ctx, identifier) => {
        const account = await this.findLocal(identifier);
        return account ? this.keys.keyPairs(account.id) : [];
      })
      // WebFinger `acct:Alice@host` finds `alice`; the actor id keeps the one stored spelling.
      .mapHandle(async (_ctx, username) => (await this.findLocal(username.toLowerCase()))?.username ?? null)
      .authorize(this.fetches.authorize);
  }
}

/** An error's message and those of its causes, outermost first. */
function causes(error: unknown, depth = 0): string[] {
  if (!(error instanceof Error) || depth > 4) return [];
  return [error.message, ...causes(error.cause, depth + 1)];
}
