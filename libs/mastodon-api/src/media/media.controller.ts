import { Body, Get, Param, Put, Req } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import { MediaService, type MediaView, parseFocus, readUpload, toMediaView } from '@guildhall/content';
import { type AuthContext, CurrentAuth } from '@guildhall/identity';
import type { FastifyRequest } from 'fastify';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { stringParam } from '../http/params';
import { Scope } from '../http/scopes.decorator';
import type { MastodonMediaAttachment } from '../serializers/mastodon-entities';
import { toMastodonMedia } from '../serializers/media.serializer';

/**
 * Uploads as Mastodon apps make them (multipart `file`, `description`, `focus`), processed in the
 * request (ADR 0028), so v2 answers 200 with the preview and BlurHash ready, never 202. Oversized
 * files are 413, undecodable ones 422 (the content lib's codes).
 */
@MastodonController('api')
export class MediaController {
  constructor(
    private readonly media: MediaService,
    private readonly config: ConfigService,
  ) {}

  @MastodonPost('v2/media')
  @Scope('write:media')
  async uploadV2(@CurrentAuth() auth: AuthContext, @Req() request: FastifyRequest): Promise<MastodonMediaAttachment> {
    return toMastodonMedia(await this.upload(auth, request));
  }

  /**
   * Mastodon's v1 upload, also the route GraphQL clients have used since before the Mastodon API:
   * the Mastodon entity with the GraphQL `MediaAttachment`'s fields beside it (no name is shared
   * with a different meaning), so both kinds of client read what they expect.
   */
  @MastodonPost('v1/media')
  @Scope('write:media')
  async uploadV1(@CurrentAuth() auth: AuthContext, @Req() request: FastifyRequest) {
    const view = await this.upload(auth, request);
    const entity = await this.media.requireOwn(auth.accountId, view.id);
    return { ...this.media.toModel(entity), ...toMastodonMedia(view) };
  }

  /** The caller's own upload while it is unattached (as Mastodon: attached media are the post's). */
  @Get('v1/media/:id')
  @Scope('write:media')
  async show(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<MastodonMediaAttachment> {
    return toMastodonMedia(await this.media.findOwned(auth.accountId, id));
  }

  /** `description` and `focus` ("x,y", each −1..1) of an unattached upload. */
  @Put('v1/media/:id')
  @Scope('write:media')
  async update(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: Record<string, unknown> | undefined,
  ): Promise<MastodonMediaAttachment> {
    const description = stringParam(body?.description);
    const focusText = stringParam(body?.focus);
    const view = await this.media.describe(auth.accountId, id, {
      ...(description !== undefined ? { description } : {}),
      ...(focusText !== undefined ? { focus: parseFocus(focusText) } : {}),
    });
    return toMastodonMedia(view);
  }

  private async upload(auth: AuthContext, request: FastifyRequest): Promise<MediaView> {
    await this.media.checkUploadRate(auth.accountId);
    const upload = await readUpload(request, this.config.values.mediaMaxBytes);
    const entity = await this.media.upload(auth.accountId, upload.bytes, upload.description, parseFocus(upload.focus));
    return toMediaView(entity, this.config.values.publicOrigin);
  }
}
