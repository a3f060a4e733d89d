import { Controller, Get, Param, Req, Res, StreamableFile, UseFilters } from '@nestjs/common';
import { ConfigService, DomainHttpExceptionFilter } from '@guildhall/core';
import { type AuthContext, CurrentAuth, Public } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MEDIA_HTTP_STATUS } from './media-http-status';
import { PUBLIC_MEDIA_MAX_AGE_SECONDS } from './media.constants';
import { MediaService, type MediaVariant, type StoredMedia } from './media.service';

/**
 * Serving image bytes to whoever may see them. Uploads are the Mastodon API's routes
 * (`POST /api/v1/media`, `/api/v2/media`: libs/mastodon-api), which GraphQL clients use too.
 */
@Controller()
@UseFilters(new DomainHttpExceptionFilter(MEDIA_HTTP_STATUS))
export class MediaController {
  constructor(
    private readonly media: MediaService,
    private readonly config: ConfigService,
  ) {}

  /**
   * The bytes, to whoever may see them (MediaService.open): the reader is the bearer token's
   * account, or, with no token, the verified signer of an HTTP-signed GET (a remote follower's
   * server, ADR 0025), or anonymous. Public media may be cached anywhere for an hour (a deleted
   * post's or suspended owner's files then drop out of shared caches soon), everything else by
   * nobody (ADR 0019).
   */
  @Public()
  @Get('media/:id')
  async serve(
    @Param('id') id: string,
    @CurrentAuth() auth: AuthContext | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    return this.send(await this.openFor(id, 'original', auth, request), reply);
  }

  /** The preview (WebP, at most 230,400 pixels), under the same rule as the file. */
  @Public()
  @Get('media/:id/small')
  async serveSmall(
    @Param('id') id: string,
    @CurrentAuth() auth: AuthContext | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    return this.send(await this.openFor(id, 'small', auth, request), reply);
  }

  /**
   * The bytes behind a capability URL, whoever asks (MediaService.openByCapability): how other
   * servers, which fetch attachments unsigned as Mastodon does, get a non-public post's images
   * (ADR 0025).
   */
  @Public()
  @Get('media/:id/:secret')
  async serveCapability(
    @Param('id') id: string,
    @Param('secret') secret: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    return this.send(await this.media.openByCapability(id, secret), reply);
  }

  /** The reader is the bearer token's account, else a verified HTTP signature's (ADR 0025). */
  private openFor(
    id: string,
    variant: MediaVariant,
    auth: AuthContext | undefined,
    request: FastifyRequest,
  ): Promise<StoredMedia> {
    const signed = request.headers.signature !== undefined || request.headers['signature-input'] !== undefined;
    return !auth && signed
      ? this.media.openSigned(id, { method: request.method, target: request.url, headers: request.headers }, variant)
      : this.media.open(id, auth?.accountId ?? null, variant);
  }

  private send(stored: StoredMedia, reply: FastifyReply): StreamableFile {
    // The type was detected from the bytes (or made here); nosniff and an empty CSP keep a
    // browser from treating them as anything else.
    void reply.headers({
      'cache-control': stored.public ? `public, max-age=${PUBLIC_MEDIA_MAX_AGE_SECONDS}` : 'private, no-store',
      vary: 'Authorization, Signature, Signature-Input',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
    });
    return new StreamableFile(stored.stream, { type: stored.mimeType, length: stored.byteSize });
  }
}
