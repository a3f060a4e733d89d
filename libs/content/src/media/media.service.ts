import type { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService, containsNul, MediaStorage, RateLimiterService, UUID_PATTERN, uuidv7 } from '@guildhall/core';
import type { EntityManager } from 'typeorm';
import { ContentErrorCode, ContentException } from '../content.exception';
import { probeImage } from './image-probe';
import type { MediaAttachmentEntity } from './media-attachment.entity';
import type { MediaAttachmentModel } from './media-attachment.model';
import { MAX_ALT_TEXT_LENGTH, MAX_ATTACHMENTS_PER_POST, UPLOAD_WINDOW_SECONDS } from './media.constants';
import { toMediaModel } from './media.mapper';
import { MediaCapabilities } from './media-capability';
import { MediaReaderResolvers, type SignedMediaRequest } from './media-reader.resolver';
import { MediaRepository, type ServableMedia } from './media.repository';
import { type RemoteMediaData, storableRemoteMedia } from './remote-media';

export interface StoredMedia {
  stream: Readable;
  mimeType: string;
  byteSize: number;
  /** Everyone may see these bytes (shared caches may keep them); else only this reader. */
  public: boolean;
}

const notFound = () => new ContentException(ContentErrorCode.MediaNotFound, 'No such media');

/** Trims a description; blank is none. */
export function normalizeAltText(text: string | null | undefined): string | null {
  const trimmed = text?.trim() ?? '';
  if (!trimmed) return null;
  // A multipart field does not pass the REST NUL check (the body is a stream): PostgreSQL text cannot hold U+0000.
  if (containsNul(trimmed)) {
    throw new ContentException(
      ContentErrorCode.InvalidAltText,
      'A description may not contain the NUL character (U+0000)',
    );
  }
  if ([...trimmed].length > MAX_ALT_TEXT_LENGTH) {
    throw new ContentException(
      ContentErrorCode.InvalidAltText,
      `A description is at most ${MAX_ALT_TEXT_LENGTH} characters`,
    );
  }
  return trimmed;
}

/** Uploads: checked, stored, described, served, and attached to posts. */
@Injectable()
export class MediaService {
  private readonly logger = new Logger(MediaService.name);

  constructor(
    private readonly media: MediaRepository,
    private readonly storage: MediaStorage,
    private readonly rateLimiter: RateLimiterService,
    private readonly config: ConfigService,
    private readonly capabilities: MediaCapabilities,
    private readonly readers: MediaReaderResolvers,
  ) {}

  /** The storage keys of every upload the database refers to, as `manager`'s transaction sees them (backups). */
  storageKeys(manager: EntityManager): Promise<string[]> {
    return this.media.storageKeys(manager);
  }

  /** Counts one upload against the account's limit; call before reading the request body. */
  async checkUploadRate(accountId: string): Promise<void> {
    await this.rateLimiter.consume(
      `media-upload:${accountId}`,
      {
        max: this.config.values.rateLimits.mediaUploadsPerAccount,
        windowSeconds: UPLOAD_WINDOW_SECONDS,
      },
      (retryAfterSeconds) =>
        new ContentException(ContentErrorCode.RateLimited, 'Too many uploads: try again later', { retryAfterSeconds }),
    );
  }

  /** Stores an image: the type comes from its bytes, and the row is written only once the bytes are. */
  async upload(accountId: string, bytes: Buffer, altText: string | null): Promise<MediaAttachmentEntity> {
    if (bytes.length > this.config.values.mediaMaxBytes) {
      throw new ContentException(
        ContentErrorCode.MediaTooLarge,
        `Files may be at most ${this.config.values.mediaMaxBytes} bytes`,
        { maxBytes: this.config.values.mediaMaxBytes },
      );
    }
    const description = normalizeAltText(altText);
    const image = probeImage(bytes);
    const id = uuidv7();
    const storageKey = `${id}.${image.extension}`;
    await this.storage.put(storageKey, bytes, image.mimeType);
    let media: MediaAttachmentEntity;
    try {
      media = await this.media.insert({
        id,
        accountId,
        mimeType: image.mimeType,
        byteSize: bytes.length,
        width: image.width,
        height: image.height,
        altText: description,
        storageKey,
      });
    } catch (error) {
      await this.storage.delete(storageKey).catch(() => undefined);
      throw error;
    }
    this.logger.log({ msg: 'media uploaded', mediaId: id, accountId, mimeType: image.mimeType, bytes: bytes.length });
    return media;
  }

  /**
   * The bytes of a local upload, for GET /media/:id, if `viewerId` (null: anonymous) may see them
   * (MediaRepository.findServable); remote media (a link, no bytes here) and anything the reader
   * may not see are not found alike.
   */
  async open(id: string, viewerId: string | null): Promise<StoredMedia> {
    if (!UUID_PATTERN.test(id)) throw notFound();
    return this.read(id, await this.media.findServable(id, viewerId));
  }

  /**
   * The bytes for an HTTP-signed GET (a remote server fetching as one of its actors, ADR 0025):
   * the signature is verified by the federation lib's verifier (MediaReaderResolvers), then the
   * signer's account is the reader of {@link open}. A bad or expired signature is refused (401),
   * a blocked domain too (403); a valid signer who may not see the media gets the same 404 as
   * anyone.
   */
  async openSigned(id: string, request: SignedMediaRequest): Promise<StoredMedia> {
    if (!UUID_PATTERN.test(id)) throw notFound();
    const reader = await this.readers.resolveSigned(request);
    if (!reader.verified) {
      const code = reader.status === 403 ? ContentErrorCode.MediaSignerRefused : ContentErrorCode.MediaSignatureInvalid;
      throw new ContentException(code, reader.reason);
    }
    return this.read(id, await this.media.findServable(id, reader.accountId));
  }

  /**
   * The bytes behind a capability URL (`/media/<id>/<secret>`, ADR 0025), whoever asks: a wrong
   * secret, a deleted post's or a suspended owner's media, an unattached upload are not found alike.
   */
  async openByCapability(id: string, secret: string): Promise<StoredMedia> {
    if (!UUID_PATTERN.test(id) || !this.capabilities.matches(id, secret)) throw notFound();
    return this.read(id, await this.media.findAttached(id));
  }

  private async read(id: string, servable: ServableMedia | null): Promise<StoredMedia> {
    const { storageKey, byteSize, mimeType } = servable?.media ?? {};
    if (!servable || !storageKey || byteSize === null || byteSize === undefined || !mimeType) throw notFound();
    const stream = await this.storage.get(storageKey);
    if (!stream) {
      this.logger.warn({ msg: 'media row without stored bytes', mediaId: id });
      throw notFound();
    }
    return { stream, mimeType, byteSize, public: servable.public };
  }

  /** A deleted post's uploads: rows removed in the caller's transaction; their storage keys, for removeStored. */
  purgePostUploads(manager: EntityManager, postId: string): Promise<string[]> {
    return this.media.purgePostUploads(manager, postId);
  }

  /** Removes the bytes of uploads whose rows a deleted post took with it (after its commit). */
  async removeStored(storageKeys: readonly string[]): Promise<void> {
    for (const key of storageKeys) {
      try {
        await this.storage.delete(key);
      } catch (error) {
        // The row is gone, so nothing serves the file; a leftover only costs disk.
        this.logger.warn({ msg: 'could not remove a deleted post’s media file', storageKey: key, err: error });
      }
    }
  }

  /** An upload of `accountId`'s: NOT_FOUND if there is none with this id, FORBIDDEN if it is another's. */
  async requireOwn(accountId: string, id: string): Promise<MediaAttachmentEntity> {
    const media = UUID_PATTERN.test(id) ? await this.media.findById(id) : null;
    if (!media?.storageKey) throw notFound();
    if (media.accountId !== accountId) {
      throw new ContentException(ContentErrorCode.NotOwner, 'That media belongs to someone else');
    }
    return media;
  }

  async updateAltText(accountId: string, id: string, altText: string | null): Promise<MediaAttachmentEntity> {
    const media = await this.requireOwn(accountId, id);
    const description = normalizeAltText(altText);
    await this.media.updateAltText(media.id, description);
    return { ...media, altText: description };
  }

  /**
   * Attaches the author's unattached uploads to a new post, in the given order, inside the
   * caller's transaction (rows are locked, so one upload cannot land on two posts).
   */
  async attachToPost(manager: EntityManager, accountId: string, postId: string, mediaIds: string[]): Promise<void> {
    if (!mediaIds.length) return;
    if (mediaIds.length > MAX_ATTACHMENTS_PER_POST) {
      throw new ContentException(
        ContentErrorCode.TooManyAttachments,
        `A post has at most ${MAX_ATTACHMENTS_PER_POST} attachments`,
      );
    }
    if (new Set(mediaIds).size !== mediaIds.length) {
      throw new ContentException(ContentErrorCode.MediaAlreadyAttached, 'The same media is listed twice');
    }
    if (!mediaIds.every((id) => UUID_PATTERN.test(id))) throw notFound();
    const rows = new Map((await this.media.lockByIds(manager, mediaIds)).map((row) => [row.id, row]));
    for (const id of mediaIds) {
      const media = rows.get(id);
      if (!media?.storageKey) throw new ContentException(ContentErrorCode.MediaNotFound, 'No such media', { id });
      if (media.accountId !== accountId) {
        throw new ContentException(ContentErrorCode.NotOwner, 'That media belongs to someone else', { id });
      }
      if (media.postId !== null) {
        throw new ContentException(ContentErrorCode.MediaAlreadyAttached, 'That media is already attached', { id });
      }
    }
    const changed = await this.media.attachToPost(manager, postId, mediaIds);
    if (changed !== mediaIds.length) throw new Error('media changed while locked');
  }

  /**
   * Sets a remote post's media (links to the files on their server, never downloaded) inside the
   * caller's transaction; an edit replaces the list. See storableRemoteMedia for what is kept.
   */
  async replaceRemoteMedia(
    manager: EntityManager,
    accountId: string,
    postId: string,
    items: readonly RemoteMediaData[],
  ): Promise<void> {
    await this.media.replaceRemote(manager, accountId, postId, storableRemoteMedia(items));
  }

  toModel(media: MediaAttachmentEntity): MediaAttachmentModel {
    return toMediaModel(media, this.config.values.publicOrigin);
  }
}
