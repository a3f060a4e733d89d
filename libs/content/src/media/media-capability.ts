import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import type { Visibility } from '../posts/post.entity';
import type { MediaAttachmentEntity } from './media-attachment.entity';
import { localMediaUrl } from './media.mapper';

/** Characters of the base64url HMAC kept in a capability (192 bits). */
const SECRET_LENGTH = 32;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{32}$/;

/** `/media/<id>/<secret>`: a capability URL's path. */
const CAPABILITY_PATH = /^(\/media\/[^/]+\/)[^/]+$/;

/** A request path fit for logs: a capability's secret is a credential, and logs keep no credentials. */
export function withoutMediaSecret(path: string): string {
  return path.replace(CAPABILITY_PATH, '$1…');
}

/**
 * Capability URLs for the bytes of non-public posts (`/media/<id>/<secret>`, ADR 0025): Mastodon
 * downloads attachments with an unsigned GET, so a follower's server can only be let in by a URL
 * nobody else can guess. The secret is an HMAC of the attachment id under a key derived from the
 * site's JWT secret: nothing is stored, every process that signs tokens for the site mints the
 * same URLs, and rotating JWT_SECRET revokes them all (as it ends every session). One
 * attachment's capability is revoked by deleting its post (the row goes) or suspending its
 * owner: MediaService.openByCapability serves only attachments of living posts by active owners.
 */
@Injectable()
export class MediaCapabilities {
  private readonly key: Buffer;
  private readonly origin: string;

  constructor(config: ConfigService) {
    this.key = Buffer.from(hkdfSync('sha256', config.jwtSecret, 'guildhall', 'media capability v1', 32));
    this.origin = config.values.publicOrigin;
  }

  /** The secret part of the capability URL of attachment `id`. */
  secretFor(id: string): string {
    return createHmac('sha256', this.key).update(id.toLowerCase()).digest('base64url').slice(0, SECRET_LENGTH);
  }

  /** Whether `secret` is attachment `id`'s, compared in constant time. */
  matches(id: string, secret: string): boolean {
    if (!SECRET_PATTERN.test(secret)) return false;
    return timingSafeEqual(Buffer.from(this.secretFor(id)), Buffer.from(secret));
  }

  /** `${origin}/media/<id>/<secret>`. */
  url(id: string): string {
    return `${localMediaUrl(this.origin, id)}/${this.secretFor(id)}`;
  }

  /**
   * Where other servers are told to fetch an attachment of a post with this visibility: a public
   * or unlisted post's at its plain URL (anyone may fetch it, shared caches may keep it); a
   * followers-only or direct post's at its capability URL; remote media at their own URL.
   */
  federatedUrl(
    media: Pick<MediaAttachmentEntity, 'id' | 'storageKey' | 'remoteUrl'>,
    visibility: `${Visibility}`,
  ): string {
    if (media.storageKey === null) return media.remoteUrl ?? '';
    return visibility === 'public' || visibility === 'unlisted'
      ? localMediaUrl(this.origin, media.id)
      : this.url(media.id);
  }
}
