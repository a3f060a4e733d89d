import { createExponentialBackoffPolicy, createFederation, type Federation, SendActivityError } from '@fedify/fedify';
import { Article, Note } from '@fedify/fedify/vocab';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService, queueConnection } from '@guildhall/core';
import { Visibility } from '@guildhall/content';
import { AccountRepository, type AccountEntity } from '@guildhall/identity';
import { ACTOR_PATH, INSTANCE_ACTOR_PATH, SHARED_INBOX_PATH, toPerson } from './actors/actor.mapper';
import { FederationHostRepository } from './delivery/federation-host.repository';
import { INBOX_HANDLERS, type InboxHandler } from './inbox/inbox-handler';
import { BullMqMessageQueue } from './queue/bullmq-message.queue';
import { RemoteActorService } from './remote/remote-actor.service';
import { safeDocumentLoader } from './remote/safe-document-loader';
import { installOutboundHttpPolicy } from './safety/outbound-http';
import { PostgresKvStore } from './kv/postgres-kv.store';
import { ActorKeyService } from './keys/actor-key.service';
import { POST_PATH, toPostObject } from './objects/post-object.mapper';
import { PostObjectRepository } from './objects/post-object.repository';

/** Post ids are UUIDs; anything else is no post (and must not reach a uuid column). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Local usernames (the accounts_local_username_ck constraint): anything else is not an actor. */
const USERNAME = /^[a-z0-9_]{1,30}$/;

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
    private readonly postObjects: PostObjectRepository,
    private readonly remote: RemoteActorService,
    private readonly hosts: FederationHostRepository,
    @Inject(INBOX_HANDLERS) private readonly inboxHandlers: InboxHandler[],
  ) {
    const { federation, federationAllowPrivateAddresses, publicOrigin } = config.values;
    this.origin = publicOrigin;
    installOutboundHttpPolicy({
      timeoutMs: federation.timeoutMs,
      allowPrivateAddresses: federationAllowPrivateAddresses,
    });
    this.queue = new BullMqMessageQueue(queueConnection(config), federation.concurrency);
    this.federation = createFederation<void>({
      kv,
      queue: this.queue,
      // Only worker processes run queued work (FederationQueueRunner); servers only enqueue.
      manuallyStartQueue: true,
      origin: publicOrigin,
      allowPrivateAddress: federationAllowPrivateAddresses,
      documentLoaderFactory: () => remote.contextLoader,
      contextLoaderFactory: () => remote.contextLoader,
      authenticatedDocumentLoaderFactory: (identity) => safeDocumentLoader(remote.policy, identity),
      // FEDERATION.md: refuse a Date more than ~12 h old (a 1 h future skew is checked at the door).
      signatureTimeWindow: { hours: 12 },
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
    this.setUpCollections();
    this.setUpObjects();
    this.setUpInbox();
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
  }

  private async deliveryFailed(error: Error, activityId: string | null): Promise<void> {
    // A SendActivityError names the inbox; other errors (a refused address, a timeout) do not.
    const inbox = error instanceof SendActivityError ? error.inbox : null;
    this.logger.warn({ msg: 'delivery failed', activityId, inbox: inbox?.href, err: error.message });
    if (inbox) await this.hosts.recordFailure(inbox.host, error.message);
  }

  /**
   * The shared inbox and every actor's inbox. Handlers run in the worker (the HTTP side verifies
   * and enqueues); the same activity id is processed once however many of our inboxes it reaches.
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
      setters.on(handler.type, (ctx, activity) => handler.handle(ctx, activity));
    }
  }

  /** The instance actor's id (it is served outside Fedify's actor route). */
  instanceActorId(): URL {
    return new URL(`${this.origin}${INSTANCE_ACTOR_PATH}`);
  }

  private findLocal(identifier: string): Promise<AccountEntity | null> {
    return USERNAME.test(identifier) ? this.accounts.findByUsername(identifier, null) : Promise.resolve(null);
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
      .mapHandle(async (_ctx, username) => (await this.findLocal(username.toLowerCase()))?.username ?? null);
  }

  /** Counts only for now (Mastodon reads `totalItems`); pages arrive with the outbox bridge. */
  private setUpCollections(): void {
    this.federation
      .setFollowersDispatcher(`${ACTOR_PATH}/followers`, async (_ctx, identifier) =>
        (await this.findLocal(identifier)) ? { items: [] } : null,
      )
      .setCounter(async (_ctx, identifier) => (await this.findLocal(identifier))?.followersCount ?? null);
    this.federation
      .setFollowingDispatcher(`${ACTOR_PATH}/following`, async (_ctx, identifier) =>
        (await this.findLocal(identifier)) ? { items: [] } : null,
      )
      .setCounter(async (_ctx, identifier) => (await this.findLocal(identifier))?.followingCount ?? null);
    this.federation
      .setOutboxDispatcher(`${ACTOR_PATH}/outbox`, async (_ctx, identifier) =>
        (await this.findLocal(identifier)) ? { items: [] } : null,
      )
      .setCounter(async (_ctx, identifier) => (await this.findLocal(identifier))?.postsCount ?? null);
  }

  /**
   * Local posts at `/posts/{id}`: a `Note`, or an `Article` when titled. Both classes share the
   * path (so `ctx.getObjectUri(Article, …)` works too); the router picks the first route added,
   * so one dispatcher answers for both and returns whichever type the post is. Deleted posts never
   * get here: the HTTP handler answers them 410 with a Tombstone (an object dispatcher cannot).
   */
  private setUpObjects(): void {
    const dispatch = async (ctx: { origin: string }, id: string): Promise<Note | Article | null> => {
      if (!UUID.test(id)) return null;
      const post = await this.postObjects.findLocalPost(id.toLowerCase());
      if (!post || post.deletedAt || post.boostOfId) return null;
      // FOLLOWERS and DIRECT posts answer 404 for now: serving them needs authorized fetch (a
      // signed GET from an actor allowed to see the post), which a later slice brings.
      if (post.visibility !== Visibility.Public && post.visibility !== Visibility.Unlisted) return null;
      const data = await this.postObjects.load(post);
      return data ? toPostObject(ctx.origin, data) : null;
    };
    this.federation.setObjectDispatcher<Note | Article, 'id'>(Note, POST_PATH, (ctx, values) =>
      dispatch(ctx, values.id),
    );
    this.federation.setObjectDispatcher<Note | Article, 'id'>(Article, POST_PATH, (ctx, values) =>
      dispatch(ctx, values.id),
    );
  }
}
