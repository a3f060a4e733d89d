import type { MediaView } from '@guildhall/content';
import type { MastodonMediaAttachment } from './mastodon-entities';

const TYPES: Record<string, MastodonMediaAttachment['type']> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
};

/** A media attachment as Mastodon renders it (the content lib's view, renamed). */
export function toMastodonMedia(media: MediaView): MastodonMediaAttachment {
  return {
    id: media.id,
    type: TYPES[media.type] ?? 'unknown',
    url: media.url,
    preview_url: media.previewUrl,
    remote_url: media.remoteUrl,
    preview_remote_url: null,
    text_url: null,
    meta: { ...media.meta },
    description: media.description,
    blurhash: media.blurhash,
  };
}
