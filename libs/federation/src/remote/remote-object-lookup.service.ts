import { Article, isActor, Note, Object as ApObject } from '@fedify/fedify/vocab';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { hostOf } from '@guildhall/core';
import {
  type PostEntity,
  RemotePostResolvers,
  RemotePostService,
  type RemotePostLookup,
  type RemotePostResolver,
  Visibility,
} from '@guildhall/content';
import { remoteActor } from '@guildhall/identity';
import { FollowService } from '@guildhall/social';
import { InboxSupport, noFetch, sameHost } from '../inbox/inbox-support';
import { readRemoteNote } from '../inbox/remote-note.mapper';
import { RemoteTombstoneRepository } from '../inbox/remote-tombstone.repository';
import { BodyTooLargeError } from '../safety/outbound-http';
import { alternateFromHtml, alternateFromLinkHeader, isActivityPubType } from './alternate-link';
import { RemoteActorService } from './remote-actor.service';
import { AS_ACCEPT, RefusedUrlError, safeGet, type Signer } from './safe-document-loader';

/** ActivityPub first; a web page (to find its alternate link) only when nothing else is served. */
const ACCEPT = `${AS_ACCEPT}, text/html;q=0.1`;

/** A fetched ActivityPub document: where it was finally served from, and its JSON. */
interface Fetched {
  url: string;
  json: Record<string, unknown>;
  object: ApObject;
}

/**
 * Why a lookup shows nothing: thrown inside this service only, and answered to callers as a value
 * (`{ refused }`), with the reason in the log.
 */
class Refusal extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'Refusal';
  }
}

/**
 * Remote posts looked up by URL for a reader, as Mastodon's ResolveURLService and
 * FetchRemoteStatusService do (ADR 0052): the URL is fetched through the one guarded client,
 * signed as the instance actor (for servers in authorized-fetch mode); a web page leads to its
 * ActivityPub alternate; a document is trusted only for ids on the host that served it (otherwise
 * it is fetched again from its id's host); only a Note or Article attributed to one actor of its
 * own host is stored, through RemotePostService as the inbox stores a Create. A post addressed to
 * followers or people only is stored only when it concerns this server as the inbox requires, and
 * shown only under the visibility rule. Storing is idempotent on the post's id.
 */
@Injectable()
export class RemoteObjectLookup implements RemotePostResolver, OnModuleInit {
  private readonly logger = new Logger(RemoteObjectLookup.name);

  constructor(
    private readonly remote: RemoteActorService,
    private readonly inbox: InboxSupport,
    private readonly posts: RemotePostService,
    private readonly follows: FollowService,
    private readonly tombstones: RemoteTombstoneRepository,
    private readonly resolvers: RemotePostResolvers,
  ) {}

  onModuleInit(): void {
    this.resolvers.register(this);
  }

  async resolvePost(url: string, readerId: string): Promise<RemotePostLookup> {
    try {
      return await this.lookup(url, readerId);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      this.logger.log({ msg: 'remote post not resolved', url: url.slice(0, 500), readerId, reason: error.reason });
      return { refused: error.reason };
    }
  }

  private async lookup(url: string, readerId: string): Promise<RemotePostLookup> {
    const host = hostOf(url);
    if (!host || !/^https?:$/i.test(new URL(url).protocol)) throw new Refusal('not an http(s) URL');
    if (this.remote.policy.isBlocked(host)) throw new Refusal('domain is blocked');
    // A post stored already (by its id) is not fetched again.
    const known = await this.posts.findByReference(url);
    if (known) return this.shown(known, readerId);

    const signer = await this.remote.instanceSigner();
    const fetched = await this.verified(await this.getDocument(url, signer, true), signer);
    const { object } = fetched;
    const id = object.id!;
    if (isActor(object)) return { actorUri: id.href };
    if (!(object instanceof Note) && !(object instanceof Article)) throw new Refusal('not a Note or Article');
    return { post: await this.store(object, fetched, readerId) };
  }

  /** Stores `object` (or finds it stored) and answers it when the reader may see it. */
  private async store(object: Note | Article, fetched: Fetched, readerId: string): Promise<PostEntity> {
    const uri = object.id!.href;
    // Mastodon's trustworthy_attribution?: one author, on the object's own host.
    const authorUri = object.attributionIds.length === 1 ? object.attributionIds[0] : null;
    if (!authorUri || !sameHost(authorUri, object.id!)) throw new Refusal('not attributed to one actor of its host');
    if (await this.tombstones.isDeletedBy(uri, authorUri.href)) throw new Refusal('deleted by its author');
    const known = await this.posts.findByReference(uri);
    if (known) return this.visible(known, readerId);

    const author = await this.remote.resolveUri(authorUri.href);
    if (!author || author.domain === null) throw new Refusal('author unknown or unreachable');
    if (author.suspendedAt) throw new Refusal('author suspended');
    if (this.remote.policy.isBlocked(author.domain)) throw new Refusal('domain is blocked');

    const note = await readRemoteNote(
      object,
      author.followersUrl,
      this.inbox.embeddedOnly(),
      this.inbox.documentAttachmentOptions(fetched.json),
    );
    const mentioned = new Set<string>();
    for (const href of note.mentionHrefs) {
      const account = await this.inbox.localAccount(href);
      if (account) mentioned.add(account.id);
    }
    const parent = note.inReplyTo ? await this.posts.findByReference(note.inReplyTo) : null;
    const inReplyTo = parent && !parent.boostOfId && !parent.deletedAt ? parent : null;
    if (note.visibility !== Visibility.Public && note.visibility !== Visibility.Unlisted) {
      // What the inbox would not have stored is not stored for a search either.
      const related =
        mentioned.size > 0 || inReplyTo?.local === true || (await this.follows.hasLocalFollower(author.id));
      if (!related) throw new Refusal(`${note.visibility} post addressed to no one here`);
    }
    const stored = await this.posts.ingest({
      uri,
      url: note.url,
      authorId: author.id,
      title: note.title,
      content: note.content,
      summary: note.summary,
      contentWarning: note.contentWarning,
      language: note.language,
      visibility: note.visibility,
      inReplyTo,
      mentionedAccountIds: [...mentioned],
      hashtags: note.hashtags,
      media: note.media,
      publishedAt: note.publishedAt,
      poll: null,
    });
    // Null: stored meanwhile by a delivery or another lookup (the uri is unique).
    const post = stored ?? (await this.posts.findByReference(uri));
    if (!post) throw new Refusal('not stored');
    if (stored) {
      this.logger.log({ msg: 'remote post stored by lookup', postId: post.id, object: uri, readerId });
      // A Delete processed meanwhile found nothing to delete but left its tombstone: honour it.
      if (await this.tombstones.isDeletedBy(uri, author.uri!)) {
        await this.posts.tombstone(remoteActor(author.id, null), post);
        throw new Refusal('deleted by its author while it was stored');
      }
    }
    return this.visible(post, readerId);
  }

  private async visible(post: PostEntity, readerId: string): Promise<PostEntity> {
    const found = await this.posts.findVisible(post.id, readerId);
    if (!found) throw new Refusal('not visible to the reader');
    return found;
  }

  private async shown(post: PostEntity, readerId: string): Promise<RemotePostLookup> {
    return { post: await this.visible(post, readerId) };
  }

  /**
   * The document's claims are trusted only for its own host: an object whose id is on another
   * host than the URL that finally served it is fetched again from its id, and must say so there.
   */
  private async verified(fetched: Fetched, signer: Signer): Promise<Fetched> {
    const id = fetched.object.id;
    if (!id) throw new Refusal('object without an id');
    if (sameHost(id, fetched.url)) return fetched;
    const again = await this.getDocument(id.href, signer, false);
    if (again.object.id?.href !== id.href || !sameHost(id, again.url)) {
      throw new Refusal('object id not confirmed by its own host');
    }
    return again;
  }

  /**
   * GET `url` for ActivityPub JSON; when `follow`, a web page's ActivityPub alternate (its Link
   * header or `<link rel="alternate">`) is fetched instead, once.
   */
  private async getDocument(url: string, signer: Signer, follow: boolean): Promise<Fetched> {
    let response: Awaited<ReturnType<typeof safeGet>>;
    try {
      response = await safeGet(url, this.remote.policy, { accept: ACCEPT, signer });
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw new Refusal('document too large');
      if (error instanceof RefusedUrlError) throw new Refusal(error.message);
      throw new Refusal(`fetch failed: ${describe(error)}`);
    }
    if (response.status !== 200) throw new Refusal(`HTTP ${response.status}`);
    if (isActivityPubType(response.contentType)) return this.parse(response.url, response.body);
    const alternate = !follow
      ? null
      : (alternateFromLinkHeader(response.headers.get('link'), response.url) ??
        (/^text\/html\b/i.test(response.contentType ?? '')
          ? alternateFromHtml(response.body.toString('utf8'), response.url)
          : null));
    if (!alternate) throw new Refusal('not an ActivityPub document');
    return this.getDocument(alternate, signer, false);
  }

  private async parse(url: string, body: Buffer): Promise<Fetched> {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new Refusal('not JSON');
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Refusal('not a JSON object');
    try {
      const object = await ApObject.fromJsonLd(json, {
        documentLoader: noFetch,
        contextLoader: this.remote.contextLoader,
      });
      return { url, json: json as Record<string, unknown>, object };
    } catch (error) {
      throw new Refusal(`not an ActivityStreams object: ${describe(error)}`);
    }
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`.slice(0, 300);
}
