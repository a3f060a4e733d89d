import type { MediaAttachmentEntity } from './media-attachment.entity';
import type { MediaAttachmentModel } from './media-attachment.model';

/** Where a local upload is served. */
export function localMediaUrl(origin: string, id: string): string {
  return `${origin}/media/${id}`;
}

export function toMediaModel(media: MediaAttachmentEntity, origin: string): MediaAttachmentModel {
  return {
    id: media.id,
    url: media.storageKey !== null ? localMediaUrl(origin, media.id) : (media.remoteUrl ?? ''),
    mimeType: media.mimeType,
    width: media.width,
    height: media.height,
    byteSize: media.byteSize,
    altText: media.altText,
  };
}
