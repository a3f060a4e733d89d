import { Body, Delete, Get, Param, Put, Query, Req, Res } from '@nestjs/common';
import { ScheduledPostService } from '@guildhall/content';
import { ConfigService, UUID_PATTERN } from '@guildhall/core';
import { type AuthContext, CurrentAuth } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MastodonController } from '../http/mastodon-controller.decorator';
import { MastodonException } from '../http/mastodon.exception';
import { readPage, setLinkHeader } from '../http/paging';
import { stringParam } from '../http/params';
import { Scope } from '../http/scopes.decorator';
import type { MastodonScheduledStatus } from '../serializers/mastodon-entities';
import { ScheduledStatusSerializer } from '../serializers/scheduled-status.serializer';

function scheduledId(id: string): string {
  if (!UUID_PATTERN.test(id)) throw MastodonException.notFound();
  return id.toLowerCase();
}

/** The member's scheduled statuses: list, read, move to another time, cancel. */
@MastodonController('api/v1/scheduled_statuses')
export class ScheduledStatusesController {
  constructor(
    private readonly scheduled: ScheduledPostService,
    private readonly serializer: ScheduledStatusSerializer,
    private readonly config: ConfigService,
  ) {}

  @Scope('read:statuses')
  @Get()
  async list(
    @CurrentAuth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MastodonScheduledStatus[]> {
    const rows = await this.scheduled.list(auth, readPage(query));
    setLinkHeader(
      request,
      reply,
      this.config.values.publicOrigin,
      rows.map((row) => row.id),
    );
    return this.serializer.serializeMany(rows);
  }

  @Scope('read:statuses')
  @Get(':id')
  async show(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<MastodonScheduledStatus> {
    return this.serializer.serialize(await this.scheduled.get(auth, scheduledId(id)));
  }

  @Scope('write:statuses')
  @Put(':id')
  async update(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: Record<string, unknown> | undefined,
  ): Promise<MastodonScheduledStatus> {
    const given = stringParam(body?.scheduled_at);
    const scheduledAt = given ? new Date(given) : null;
    if (!scheduledAt || Number.isNaN(scheduledAt.getTime())) {
      throw MastodonException.unprocessable('Validation failed: Scheduled at is invalid');
    }
    return this.serializer.serialize(await this.scheduled.reschedule(auth, scheduledId(id), scheduledAt));
  }

  @Scope('write:statuses')
  @Delete(':id')
  async cancel(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<Record<string, never>> {
    await this.scheduled.cancel(auth, scheduledId(id));
    return {};
  }
}
