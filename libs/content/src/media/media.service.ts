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
import { MediaRepository } from './media.repository';
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
    const servable = await this.media.findServable(id, viewerId);
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
   * An edit's media: the post's uploads become `mediaIds`, in order, inside the caller's
   * transaction. Each must be the author's own and either on this post already or unattached;
   * uploads left out are detached (their owner keeps them, unattached).
   */
  async replacePostUploads(
    manager: EntityManager,
    accountId: string,
    postId: string,
    mediaIds: string[],
  ): Promise<void> {
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
      if (media.postId !== null && media.postId !== postId) {
        throw new ContentException(ContentErrorCode.MediaAlreadyAttached, 'That media is already attached', { id });
      }
    }
    await this.media.setPostUploads(manager, postId, mediaIds);
  }

  /** The ids of a post's uploads, in order (in the caller's transaction). */
  postUploadIds(manager: EntityManager, postId: string): Promise<string[]> {
    return this.media.uploadIdsOfPost(manager, postId);
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
