import { Delete, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import { ConversationService } from '@guildhall/content';
import { CurrentAuth, type AuthContext } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { readPage, setLinkHeader } from '../http/paging';
import { Scope } from '../http/scopes.decorator';
import { ConversationSerializer } from '../serializers/conversation.serializer';
import type { MastodonConversation } from '../serializers/mastodon-entities';

/**
 * `/api/v1/conversations`: direct-message threads the reader is in, newest first, paged by their
 * newest post's id. Simplified from Mastodon: one conversation per thread (see ConversationService).
 */
@MastodonController('api/v1/conversations')
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationService,
    private readonly serializer: ConversationSerializer,
    private readonly config: ConfigService,
  ) {}

  @Get()
  @Scope('read:statuses')
  async index(
    @CurrentAuth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MastodonConversation[]> {
    const page = readPage(query);
    const rows = await this.conversations.page(auth.accountId, { ...page, limit: page.limit + 1 });
    const shown = page.minId ? rows.slice(-page.limit) : rows.slice(0, page.limit);
    setLinkHeader(
      request,
      reply,
      this.config.values.publicOrigin,
      shown.map((row) => row.lastPostId),
      { next: page.minId ? true : rows.length > page.limit },
    );
    return this.serializer.serializeMany(request, shown);
  }

  @MastodonPost(':id/read')
  @Scope('write:conversations')
  async read(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
  ): Promise<MastodonConversation> {
    const row = await this.conversations.markRead(auth.accountId, id);
    const [conversation] = await this.serializer.serializeMany(request, [row]);
    return conversation;
  }

  @Delete(':id')
  @Scope('write:conversations')
  async destroy(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<Record<string, never>> {
    await this.conversations.hide(auth.accountId, id);
    return {};
  }
}
