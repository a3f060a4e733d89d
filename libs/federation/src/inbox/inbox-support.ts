import type { DocumentLoader } from '@fedify/fedify/runtime';
import type { Activity, Object as ApObject, Recipient } from '@fedify/fedify/vocab';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService, hostOf } from '@guildhall/core';
import { AccountRepository, type AccountEntity } from '@guildhall/identity';
import { RemoteActorService } from '../remote/remote-actor.service';
import { assertFetchable } from '../remote/safe-document-loader';
import { InboxIdempotency } from './inbox-idempotency';
import type { AttachmentReadOptions } from './remote-attachment.mapper';

/** `/users/<name>` or `/@<name>`: a local actor's id or profile URL. */
const LOCAL_ACTOR_PATH = /^\/(?:users\/|@)([a-z0-9_]{1,30})$/;

/**
 * A document loader that never fetches: an embedded object is read as sent, a bare URL is
 * unknown. Inbox handlers match by ids they already hold and fetch nothing they do not need.
 */
export const noFetch: DocumentLoader = (url: string) =>
  Promise.reject(new Error(`not fetched: ${url} (only embedded objects are read here)`));

/** Two ids on the same host (with port, normalized): Mastodon's origin check for an object and its actor. */
export function sameHost(a: URL | string, b: URL | string): boolean {
  const host = hostOf(a);
  return host !== null && host === hostOf(b);
}

/** What every inbox handler needs: who sent the activity, which local things it names. */
@Injectable()
export class InboxSupport {
  private readonly logger = new Logger('Inbox');
  readonly origin: string;

  constructor(
    config: ConfigService,
    private readonly remote: RemoteActorService,
    private readonly accounts: AccountRepository,
    private readonly idempotency: InboxIdempotency,
  ) {
    this.origin = config.values.publicOrigin;
  }

  /**
   * The sender's account (fetched and cached when new or stale; `fetch: false` for an actor that
   * is gone), or null when it may not act here: no actor, one of ours, unknown, or suspended.
   */
  async sender(activity: Activity, options: { fetch?: boolean } = {}): Promise<AccountEntity | null> {
    const actorId = activity.actorId;
    if (!actorId) return this.refuse(activity, 'no actor');
    if (actorId.origin === this.origin) return this.refuse(activity, 'a local actor cannot arrive in an inbox');
    // An activity id on another host than its actor's could squat on someone else's ids.
    if (activity.id && !sameHost(activity.id, actorId))
      return this.refuse(activity, 'activity id not on the actor host');
    const account =
      options.fetch === false
        ? await this.accounts.findByUri(actorId.href)
        : await this.remote.resolveUri(actorId.href);
    if (!account) return this.refuse(activity, 'actor unknown or unreachable');
    if (account.suspendedAt) return this.refuse(activity, 'actor suspended', { accountId: account.id });
    return account;
  }

  /** The local account whose actor id (or profile URL) is `uri`. */
  async localAccount(uri: URL | string | null): Promise<AccountEntity | null> {
    const username = this.localUsername(uri);
    if (!username) return null;
    const account = await this.accounts.findByUsername(username, null);
    return account && !account.suspendedAt ? account : null;
  }

  localUsername(uri: URL | string | null): string | null {
    if (uri === null) return null;
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return null;
    }
    if (url.origin !== this.origin) return null;
    return LOCAL_ACTOR_PATH.exec(url.pathname)?.[1] ?? null;
  }

  localActorUri(account: AccountEntity): URL {
    return new URL(`${this.origin}/users/${account.username}`);
  }

  /** Where to deliver to a remote account (its shared inbox preferred by Fedify). */
  recipient(account: AccountEntity): Recipient {
    return {
      id: new URL(account.uri!),
      inboxId: account.inboxUrl ? new URL(account.inboxUrl) : null,
      endpoints: { sharedInbox: account.sharedInboxUrl ? new URL(account.sharedInboxUrl) : null },
    };
  }

  /** Loaders for objects the handler must fetch: signed as the instance actor, bounded and safe. */
  async loaders(): Promise<{ documentLoader: DocumentLoader; contextLoader: DocumentLoader }> {
    return { documentLoader: await this.remote.documentLoader(), contextLoader: this.remote.contextLoader };
  }

  /** Embedded objects only, with the contexts they need. */
  embeddedOnly(): { documentLoader: DocumentLoader; contextLoader: DocumentLoader; suppressError: true } {
    return { documentLoader: noFetch, contextLoader: this.remote.contextLoader, suppressError: true };
  }

  /**
   * How to read the media of `object`, carried by `activity`: the object's JSON as its sender
   * wrote it (the activity's embedded object, or the fetched document), and the address policy
   * of every remote fetch, for files we link to but never fetch: a client would.
   */
  async attachmentOptions(activity: Activity, object: ApObject): Promise<AttachmentReadOptions> {
    return { raw: await this.rawObject(activity, object), allowUrl: (url) => this.linkable(url) };
  }

  /** As `attachmentOptions`, for an object fetched on its own: `raw` is the document as served. */
  documentAttachmentOptions(raw: unknown): AttachmentReadOptions {
    return { raw, allowUrl: (url) => this.linkable(url) };
  }

  private linkable(url: URL): boolean {
    try {
      assertFetchable(url, this.remote.policy);
      return true;
    } catch {
      return false;
    }
  }

  /** `toJsonLd()` without options answers the JSON an object was parsed from, when it was. */
  private async rawObject(activity: Activity, object: ApObject): Promise<unknown> {
    try {
      const embedded = ((await activity.toJsonLd()) as { object?: unknown } | null)?.object;
      if (embedded && typeof embedded === 'object' && (embedded as { id?: unknown }).id === object.id?.href) {
        return embedded;
      }
      return await object.toJsonLd();
    } catch {
      return null;
    }
  }

  /**
   * Logs why an activity had no effect (an expected refusal, not an error) and returns null. A
   * refused activity is not recorded as processed (InboxIdempotency): it may be accepted later.
   */
  refuse(activity: Activity, reason: string, context: Record<string, unknown> = {}): null {
    this.idempotency.refused();
    this.logger.log({
      msg: 'inbound activity ignored',
      reason,
      type: activity.constructor.name,
      activityId: activity.id?.href,
      actor: activity.actorId?.href,
      ...context,
    });
    return null;
  }

  done(activity: Activity, what: string, context: Record<string, unknown> = {}): void {
    this.logger.log({ msg: what, type: activity.constructor.name, activityId: activity.id?.href, ...context });
  }
}
