import type { MediaAttachmentEntity } from './media-attachment.entity';
import { type MediaAttachmentModel, MediaTypeModel } from './media-attachment.model';
import type { MediaDimensions, MediaMeta, MediaView } from './media-view';

/** Where a local upload is served. */
export function localMediaUrl(origin: string, id: string): string {
  return `${origin}/media/${id}`;
}

/** Where a local upload's preview is served (under the same visibility rule as the original). */
export function localMediaPreviewUrl(origin: string, id: string): string {
  return `${origin}/media/${id}/small`;
}

/** The kind of media a MIME type names (Mastodon's image/video/audio/unknown, without gifv). */
export function mediaTypeOf(mimeType: string): MediaTypeModel {
  const top = mimeType.split('/', 1)[0].toLowerCase();
  if (top === 'image') return MediaTypeModel.IMAGE;
  if (top === 'video') return MediaTypeModel.VIDEO;
  if (top === 'audio') return MediaTypeModel.AUDIO;
  return MediaTypeModel.UNKNOWN;
}

function urls(media: MediaAttachmentEntity, origin: string): { url: string; previewUrl: string } {
  // Remote media are never served from here: their URL is the origin's file.
  if (media.storageKey === null) return { url: media.remoteUrl ?? '', previewUrl: media.remoteUrl ?? '' };
  const url = localMediaUrl(origin, media.id);
  return { url, previewUrl: media.previewStorageKey !== null ? localMediaPreviewUrl(origin, media.id) : url };
}

function dimensions(width: number | null, height: number | null): MediaDimensions | undefined {
  if (!width || !height) return undefined;
  return { width, height, size: `${width}x${height}`, aspect: width / height };
}

/** Mastodon's `meta`: the original's size, the preview's (the original's own when it is its preview), the focus. */
export function mediaMeta(media: MediaAttachmentEntity): MediaMeta {
  const meta: MediaMeta = {};
  const original = dimensions(media.width, media.height);
  if (original) meta.original = original;
  const small = media.previewStorageKey !== null ? dimensions(media.previewWidth, media.previewHeight) : original;
  if (small) meta.small = small;
  if (media.focusX !== null && media.focusY !== null) meta.focus = { x: media.focusX, y: media.focusY };
  return meta;
}

export function toMediaView(media: MediaAttachmentEntity, origin: string): MediaView {
  return {
    id: media.id,
    type: mediaTypeOf(media.mimeType),
    mimeType: media.mimeType,
    ...urls(media, origin),
    remoteUrl: media.storageKey !== null ? null : media.remoteUrl,
    description: media.altText,
    blurhash: media.blurhash,
    meta: mediaMeta(media),
    accountId: media.accountId,
    postId: media.postId,
  };
}

export function toMediaModel(media: MediaAttachmentEntity, origin: string): MediaAttachmentModel {
  return {
    id: media.id,
    type: mediaTypeOf(media.mimeType),
    ...urls(media, origin),
    remoteUrl: media.storageKey !== null ? null : media.remoteUrl,
    mimeType: media.mimeType,
    width: media.width,
    height: media.height,
    byteSize: media.byteSize,
    altText: media.altText,
    blurhash: media.blurhash,
  };
}
