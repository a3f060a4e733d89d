import type { MediaAttachmentEntity } from './media-attachment.entity';
import { type MediaAttachmentModel, MediaTypeModel } from './media-attachment.model';

/** Where a local upload is served. */
export function localMediaUrl(origin: string, id: string): string {
  return `${origin}/media/${id}`;
}

/** The kind of media a MIME type names (Mastodon's image/video/audio/unknown, without gifv). */
export function mediaTypeOf(mimeType: string): MediaTypeModel {
  const top = mimeType.split('/', 1)[0].toLowerCase();
  if (top === 'image') return MediaTypeModel.IMAGE;
  if (top === 'video') return MediaTypeModel.VIDEO;
  if (top === 'audio') return MediaTypeModel.AUDIO;
  return MediaTypeModel.UNKNOWN;
}

export function toMediaModel(media: MediaAttachmentEntity, origin: string): MediaAttachmentModel {
  return {
    id: media.id,
    type: mediaTypeOf(media.mimeType),
    // Remote media are never served from here: their URL is the origin's file.
    url: media.storageKey !== null ? localMediaUrl(origin, media.id) : (media.remoteUrl ?? ''),
    remoteUrl: media.storageKey !== null ? null : media.remoteUrl,
    mimeType: media.mimeType,
    width: media.width,
    height: media.height,
    byteSize: media.byteSize,
    altText: media.altText,
    blurhash: media.blurhash,
  };
}
