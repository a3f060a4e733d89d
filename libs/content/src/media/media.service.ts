import type { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService, containsNul, MediaStorage, RateLimiterService, UUID_PATTERN, uuidv7 } from '@guildhall/core';
import type { EntityManager } from 'typeorm';
import { ContentErrorCode, ContentException } from '../content.exception';
import { ConcurrencyGate } from './concurrency-gate';
import { probeImage } from './image-probe';
import { processImage } from './image-processor';
import type { MediaAttachmentEntity } from './media-attachment.entity';
import type { MediaAttachmentModel } from './media-attachment.model';
import { checkFocus } from './media-focus';
import type { MediaFocus, MediaView } from './media-view';
import {
  IMAGE_PROCESSING_CONCURRENCY,
  MAX_ALT_TEXT_LENGTH,
  MAX_ATTACHMENTS_PER_POST,
  PREVIEW_MIME_TYPE,
  UPLOAD_WINDOW_SECONDS,
} from './media.constants';
import { toMediaModel, toMediaView } from './media.mapper';
import { MediaCapabilities } from './media-capability';
import { MediaReaderResolvers, type SignedMediaRequest } from './media-reader.resolver';
import { type MediaDescription, MediaRepository, type ServableMedia } from './media.repository';
import { type RemoteMediaData, storableRemoteMedia } from './remote-media';

export interface StoredMedia {
  stream: Readable;
  mimeType: string;
  byteSize: number;
  /** Everyone may see these bytes (shared caches may keep them); else only this reader. */
  public: boolean;
}

/** The file itself, or its preview (`/media/<id>/small`). */
export type MediaVariant = 'original' | 'small';

/** What describe may change; an absent key is left as it is, null clears. */
export interface MediaChanges {
  description?: string | null;
  focus?: MediaFocus | null;
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
  private readonly processing = new ConcurrencyGate(IMAGE_PROCESSING_CONCURRENCY);

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

  /**
   * Stores an image: the type comes from its bytes; it is decoded (bounded, see processImage) into
   * a preview and a BlurHash, its metadata stripped; the row is written only once the files are.
   * In the request, not a job (Mastodon v2's 202 is never needed): under a second for a usual
   * photo, seconds for a 40-megapixel one with EXIF to strip (ADR 0028).
   */
  async upload(
    accountId: string,
    bytes: Buffer,
    altText: string | null,
    focus: MediaFocus | null = null,
  ): Promise<MediaAttachmentEntity> {
    if (bytes.length > this.config.values.mediaMaxBytes) {
      throw new ContentException(
        ContentErrorCode.MediaTooLarge,
        `Files may be at most ${this.config.values.mediaMaxBytes} bytes`,
        { maxBytes: this.config.values.mediaMaxBytes },
      );
    }
    const description = normalizeAltText(altText);
    const focalPoint = focus ? checkFocus(focus) : null;
    const image = probeImage(bytes);
    const processed = await this.processing
      .run(() => processImage(bytes, image))
      .catch((error: unknown) => {
        const cause = error instanceof Error ? error.cause : undefined;
        if (cause) this.logger.warn({ msg: 'upload not decodable', accountId, mimeType: image.mimeType, err: cause });
        throw error;
      });
    const id = uuidv7();
    const storageKey = `${id}.${image.extension}`;
    const previewStorageKey = `${id}-small.webp`;
    const stored: string[] = [];
    let media: MediaAttachmentEntity;
    try {
      await this.storage.put(storageKey, processed.original, image.mimeType);
      stored.push(storageKey);
      await this.storage.put(previewStorageKey, processed.preview.bytes, PREVIEW_MIME_TYPE);
      stored.push(previewStorageKey);
      media = await this.media.insert({
        id,
        accountId,
        mimeType: image.mimeType,
        byteSize: processed.original.length,
        width: processed.width,
        height: processed.height,
        altText: description,
        storageKey,
        blurhash: processed.blurhash,
        previewStorageKey,
        previewWidth: processed.preview.width,
        previewHeight: processed.preview.height,
        previewByteSize: processed.preview.bytes.length,
        focusX: focalPoint?.x ?? null,
        focusY: focalPoint?.y ?? null,
      });
    } catch (error) {
      await this.removeStored(stored);
      throw error;
    }
    this.logger.log({
      msg: 'media uploaded',
      mediaId: id,
      accountId,
      mimeType: image.mimeType,
      bytes: processed.original.length,
      metadataStripped: processed.rewritten,
    });
    return media;
  }

  /**
   * The bytes of a local upload or of its preview, for GET /media/:id(/small), if `viewerId`
   * (null: anonymous) may see them (MediaRepository.findServable: the preview under the same rule
   * as the file); remote media (a link, no bytes here), an upload without a preview, and anything
   * the reader may not see are not found alike.
   */
  async open(id: string, viewerId: string | null, variant: MediaVariant = 'original'): Promise<StoredMedia> {
    if (!UUID_PATTERN.test(id)) throw notFound();
    return this.read(id, await this.media.findServable(id, viewerId), variant);
  }

  /**
   * The bytes for an HTTP-signed GET (a remote server fetching as one of its actors, ADR 0025):
   * the signature is verified by the federation lib's verifier (MediaReaderResolvers), then the
   * signer's account is the reader of {@link open}. A bad or expired signature is refused (401),
   * a blocked domain too (403); a valid signer who may not see the media gets the same 404 as
   * anyone.
   */
  async openSigned(id: string, request: SignedMediaRequest, variant: MediaVariant = 'original'): Promise<StoredMedia> {
    if (!UUID_PATTERN.test(id)) throw notFound();
    const reader = await this.readers.resolveSigned(request);
    if (!reader.verified) {
      const code = reader.status === 403 ? ContentErrorCode.MediaSignerRefused : ContentErrorCode.MediaSignatureInvalid;
      throw new ContentException(code, reader.reason);
    }
    return this.read(id, await this.media.findServable(id, reader.accountId), variant);
  }

  /**
   * The bytes behind a capability URL (`/media/<id>/<secret>`, ADR 0025), whoever asks: a wrong
   * secret, a deleted post's or a suspended owner's media, an unattached upload are not found alike.
   */
  async openByCapability(id: string, secret: string): Promise<StoredMedia> {
    if (!UUID_PATTERN.test(id) || !this.capabilities.matches(id, secret)) throw notFound();
    return this.read(id, await this.media.findAttached(id), 'original');
  }

  private async read(id: string, servable: ServableMedia | null, variant: MediaVariant): Promise<StoredMedia> {
    if (!servable) throw notFound();
    const { media } = servable;
    const file =
      variant === 'small'
        ? { key: media.previewStorageKey, byteSize: media.previewByteSize, mimeType: PREVIEW_MIME_TYPE }
        : { key: media.storageKey, byteSize: media.byteSize, mimeType: media.mimeType };
    if (!file.key || file.byteSize === null) throw notFound();
    const stream = await this.storage.get(file.key);
    if (!stream) {
      this.logger.warn({ msg: 'media row without stored bytes', mediaId: id, variant });
      throw notFound();
    }
    return { stream, mimeType: file.mimeType, byteSize: file.byteSize, public: servable.public };
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
   * One of `accountId`'s uploads that is not attached to a post yet (Mastodon's GET
   * /api/v1/media/:id); anyone else's, an attached one or a missing one: MEDIA_NOT_FOUND alike.
   */
  async findOwned(accountId: string, id: string): Promise<MediaView> {
    const media = UUID_PATTERN.test(id) ? await this.media.findUnattachedUpload(accountId, id) : null;
    if (!media) throw notFound();
    return this.toView(media);
  }

  /**
   * Sets or clears the description and focal point of one of `accountId`'s unattached uploads
   * (Mastodon's PUT /api/v1/media/:id, which finds only those: an attached one is edited with its
   * post). Bad input changes nothing; not found as findOwned.
   */
  async describe(accountId: string, id: string, changes: MediaChanges): Promise<MediaView> {
    if (!UUID_PATTERN.test(id)) throw notFound();
    const fields: MediaDescription = {};
    if (changes.description !== undefined) fields.altText = normalizeAltText(changes.description);
    if (changes.focus !== undefined) {
      const focus = changes.focus === null ? null : checkFocus(changes.focus);
      fields.focusX = focus?.x ?? null;
      fields.focusY = focus?.y ?? null;
    }
    const media = await this.media.describeUnattached(accountId, id, fields);
    if (!media) throw notFound();
    return this.toView(media);
  }

  /**
   * The attachments of these posts, each post's in order (absent: none), for a serializer of posts
   * the reader may already see (this does not check visibility).
   */
  async mediaForPosts(postIds: readonly string[]): Promise<Map<string, MediaView[]>> {
    const byPost = new Map<string, MediaView[]>();
    for (const row of await this.media.findByPostIds([...new Set(postIds)])) {
      const list = byPost.get(row.postId!) ?? [];
      list.push(this.toView(row));
      byPost.set(row.postId!, list);
    }
    return byPost;
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

  /** An attachment as client APIs show it (Mastodon's MediaAttachment). */
  toView(media: MediaAttachmentEntity): MediaView {
    return toMediaView(media, this.config.values.publicOrigin);
  }
}
