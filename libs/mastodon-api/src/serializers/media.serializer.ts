import type { MediaAttachmentModel } from '@guildhall/content';
import type { MastodonMediaAttachment } from './mastodon-entities';

const TYPES: Record<string, MastodonMediaAttachment['type']> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
};

/** A media attachment as Mastodon renders it; `meta` carries the sizes Guildhall knows. */
export function toMastodonMedia(media: MediaAttachmentModel): MastodonMediaAttachment {
  const type = media.mimeType === 'image/gif' && media.remoteUrl === null ? 'image' : (TYPES[media.type] ?? 'unknown');
  const original =
    media.width && media.height
      ? {
          width: media.width,
          height: media.height,
          size: `${media.width}x${media.height}`,
          aspect: media.width / media.height,
        }
      : null;
  return {
    id: media.id,
    type,
    url: media.url,
    preview_url: media.url,
    remote_url: media.remoteUrl,
    preview_remote_url: null,
    text_url: null,
    meta: original ? { original } : null,
    description: media.altText,
    blurhash: media.blurhash,
  };
}
