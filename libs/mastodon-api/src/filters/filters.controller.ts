import { Body, Delete, Get, HttpCode, HttpStatus, Param, Put } from '@nestjs/common';
import { FilterService } from '@guildhall/content';
import { CurrentAuth, type AuthContext } from '@guildhall/identity';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { MastodonException } from '../http/mastodon.exception';
import { stringParam } from '../http/params';
import { Scope } from '../http/scopes.decorator';
import {
  type MastodonFilter,
  type MastodonFilterKeyword,
  type MastodonFilterStatus,
  toMastodonFilter,
  toMastodonFilterKeyword,
  toMastodonFilterStatus,
} from '../serializers/filter.serializer';
import { filterParams, keywordParams, pathId } from './filter-params';

type RequestBody = Record<string, unknown>;

/**
 * Mastodon's filters v2 over the content lib's FilterService: a member's own filters only (every
 * lookup is by owner, so another member's id is a 404). v1's `GET /api/v1/filters` answers an
 * empty list: v1 filters are a view Mastodon itself deprecated.
 */
@MastodonController('api')
export class FiltersController {
  constructor(private readonly filters: FilterService) {}

  @Get('v1/filters')
  @Scope('read:filters')
  v1List(): [] {
    return [];
  }

  @Get('v2/filters')
  @Scope('read:filters')
  async list(@CurrentAuth() auth: AuthContext): Promise<MastodonFilter[]> {
    return (await this.filters.list(auth.accountId)).map(toMastodonFilter);
  }

  @MastodonPost('v2/filters')
  @Scope('write:filters')
  async create(@CurrentAuth() auth: AuthContext, @Body() body: RequestBody = {}): Promise<MastodonFilter> {
    return toMastodonFilter(await this.filters.create(auth.accountId, filterParams(body)));
  }

  @Get('v2/filters/keywords/:id')
  @Scope('read:filters')
  async keyword(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<MastodonFilterKeyword> {
    return toMastodonFilterKeyword(await this.filters.keyword(auth.accountId, pathId(id)));
  }

  @Put('v2/filters/keywords/:id')
  @Scope('write:filters')
  async updateKeyword(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: RequestBody = {},
  ): Promise<MastodonFilterKeyword> {
    const { keyword, wholeWord } = keywordParams({ keyword: body.keyword, whole_word: body.whole_word });
    const input = { keyword, ...('whole_word' in body ? { wholeWord } : {}) };
    return toMastodonFilterKeyword(await this.filters.updateKeyword(auth.accountId, pathId(id), input));
  }

  @Delete('v2/filters/keywords/:id')
  @Scope('write:filters')
  @HttpCode(HttpStatus.OK)
  async removeKeyword(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<object> {
    await this.filters.removeKeyword(auth.accountId, pathId(id));
    return {};
  }

  @Get('v2/filters/statuses/:id')
  @Scope('read:filters')
  async status(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<MastodonFilterStatus> {
    return toMastodonFilterStatus(await this.filters.status(auth.accountId, pathId(id)));
  }

  @Delete('v2/filters/statuses/:id')
  @Scope('write:filters')
  @HttpCode(HttpStatus.OK)
  async removeStatus(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<object> {
    await this.filters.removeStatus(auth.accountId, pathId(id));
    return {};
  }

  @Get('v2/filters/:id')
  @Scope('read:filters')
  async get(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<MastodonFilter> {
    return toMastodonFilter(await this.filters.get(auth.accountId, pathId(id)));
  }

  @Put('v2/filters/:id')
  @Scope('write:filters')
  async update(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: RequestBody = {},
  ): Promise<MastodonFilter> {
    return toMastodonFilter(await this.filters.update(auth.accountId, pathId(id), filterParams(body)));
  }

  @Delete('v2/filters/:id')
  @Scope('write:filters')
  @HttpCode(HttpStatus.OK)
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<object> {
    await this.filters.remove(auth.accountId, pathId(id));
    return {};
  }

  @Get('v2/filters/:id/keywords')
  @Scope('read:filters')
  async keywords(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<MastodonFilterKeyword[]> {
    return (await this.filters.get(auth.accountId, pathId(id))).keywords.map(toMastodonFilterKeyword);
  }

  @MastodonPost('v2/filters/:id/keywords')
  @Scope('write:filters')
  async addKeyword(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: RequestBody = {},
  ): Promise<MastodonFilterKeyword> {
    const { keyword, wholeWord } = keywordParams({ keyword: body.keyword, whole_word: body.whole_word });
    return toMastodonFilterKeyword(await this.filters.addKeyword(auth.accountId, pathId(id), { keyword, wholeWord }));
  }

  @Get('v2/filters/:id/statuses')
  @Scope('read:filters')
  async statuses(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<MastodonFilterStatus[]> {
    return (await this.filters.get(auth.accountId, pathId(id))).statuses.map(toMastodonFilterStatus);
  }

  @MastodonPost('v2/filters/:id/statuses')
  @Scope('write:filters')
  async addStatus(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: RequestBody = {},
  ): Promise<MastodonFilterStatus> {
    const statusId = stringParam(body.status_id);
    if (!statusId) throw MastodonException.unprocessable('status_id is required');
    const entry = await this.filters.addStatus(auth.accountId, pathId(id), pathIdOr422(statusId));
    return toMastodonFilterStatus(entry);
  }
}

function pathIdOr422(id: string): string {
  try {
    return pathId(id);
  } catch {
    throw MastodonException.unprocessable('status_id: no such status');
  }
}
