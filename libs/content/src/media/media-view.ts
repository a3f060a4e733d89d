import type { MediaTypeModel } from './media-attachment.model';

/** A size as Mastodon's `meta.original` / `meta.small` give it. */
export interface MediaDimensions {
  width: number;
  height: number;
  /** `WxH`, e.g. `640x360`. */
  size: string;
  /** width ÷ height. */
  aspect: number;
}

/** A focal point, each coordinate from −1 to 1 (x: left to right, y: bottom to top), as Mastodon's. */
export interface MediaFocus {
  x: number;
  y: number;
}

/** Mastodon's `meta`; a key is absent when it is unknown (a remote file of unknown size) or unset (focus). */
export interface MediaMeta {
  original?: MediaDimensions;
  small?: MediaDimensions;
  focus?: MediaFocus;
}

/**
 * One attachment as a client API shows it (Mastodon's MediaAttachment, in camelCase): everything
 * a serializer needs, so that it only renames fields.
 */
export interface MediaView {
  id: string;
  type: MediaTypeModel;
  mimeType: string;
  /** This server's URL of the bytes for uploads; the origin's for remote media (never copied here). */
  url: string;
  /** The preview (`/media/<id>/small`); the original's URL when there is none (remote media, uploads older than previews). */
  previewUrl: string;
  /** Remote media: the file on its server; null for uploads. */
  remoteUrl: string | null;
  description: string | null;
  blurhash: string | null;
  meta: MediaMeta;
  accountId: string;
  /** Null while unattached. */
  postId: string | null;
}
