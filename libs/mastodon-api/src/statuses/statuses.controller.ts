import { Body, Delete, Get, Headers, Param, Put, Query, Req } from '@nestjs/common';
import {
  MEDIA_VIEWS_BY_POST_ID,
  POLL_BY_POST_ID,
  type PostEntity,
  PostRepository,
  PostService,
  ScheduledPostService,
  ThreadService,
} from '@guildhall/content';
import { UUID_PATTERN } from '@guildhall/core';
import { type AuthContext, CurrentAuth, Public } from '@guildhall/identity';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { MastodonLoaders } from '../http/mastodon-request';
import { MastodonException } from '../http/mastodon.exception';
import { arrayParam } from '../http/params';
import { Scope } from '../http/scopes.decorator';
import { AccountSerializer } from '../serializers/account.serializer';
import type {
  MastodonContext,
  MastodonStatus,
  MastodonStatusEdit,
  MastodonStatusSource,
} from '../serializers/mastodon-entities';
import { ScheduledStatusSerializer } from '../serializers/scheduled-status.serializer';
import { toStatusEdits } from '../serializers/status-edit.serializer';
import { StatusSerializer } from '../serializers/status.serializer';
import { withMediaAs422 } from './status-errors';
import { createStatusParams, updateStatusParams } from './status-params';

type Request = Parameters<MastodonLoaders['of']>[0];
type StatusBody = Record<string, unknown> | undefined;

/** Mastodon limits `GET /api/v1/statuses?id[]=` to this many ids. */
const MAX_IDS = 20;
const MAX_IDEMPOTENCY_KEY_LENGTH = 256;

/** A status id as Guildhall's post id; anything else names no status (404). */
export function statusId(id: string): string {
  if (!UUID_PATTERN.test(id)) throw MastodonException.notFound();
  return id.toLowerCase();
}

/**
 * Mastodon's statuses: write, read, edit, delete, source, history and context. Every write goes
 * through PostService (ScheduledPostService for later), every read through the visibility rule.
 */
@MastodonController('api/v1/statuses')
export class StatusesController {
  constructor(
    private readonly service: PostService,
    private readonly posts: PostRepository,
    private readonly threads: ThreadService,
    private readonly scheduled: ScheduledPostService,
    private readonly loaders: MastodonLoaders,
    private readonly statuses: StatusSerializer,
    private readonly accounts: AccountSerializer,
    private readonly scheduledStatuses: ScheduledStatusSerializer,
  ) {}

  @Scope('write:statuses')
  @MastodonPost()
  async create(
    @CurrentAuth() auth: AuthContext,
    @Body() body: StatusBody,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: Request,
  ) {
    const params = createStatusParams(body ?? {});
    if (params.poll) params.input.poll = { ...params.poll };
    if (
      idempotencyKey !== undefined &&
      (idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH)
    ) {
      throw MastodonException.unprocessable(`Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
    }
    if (params.scheduledAt) {
      const row = await withMediaAs422(() => this.scheduled.schedule(auth, params.input, params.scheduledAt!));
      return this.scheduledStatuses.serialize(row);
    }
    const post = await withMediaAs422(() =>
      this.service.create(auth, params.input, { idempotencyKey: idempotencyKey || undefined }),
    );
    return this.render(post, request);
  }

  @Public()
  @Get()
  async many(@Query() query: Record<string, unknown>, @Req() request: Request): Promise<MastodonStatus[]> {
    const ids = [...new Set(arrayParam(query, 'id'))];
    if (ids.length > MAX_IDS) throw MastodonException.unprocessable(`At most ${MAX_IDS} ids may be asked for`);
    const wanted = ids.filter((id) => UUID_PATTERN.test(id)).map((id) => id.toLowerCase());
    const context = this.loaders.of(request);
    const found = await this.posts.findVisibleByIds(wanted, context.viewerId);
    const byId = new Map(found.map((post) => [post.id, post]));
    const ordered = wanted.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
    return this.statuses.serializeMany(ordered, context);
  }

  @Public()
  @Get(':id')
  async show(@Param('id') id: string, @Req() request: Request): Promise<MastodonStatus> {
    return this.render(await this.visible(statusId(id), request), request);
  }

  @Scope('write:statuses')
  @Put(':id')
  async update(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: StatusBody,
    @Req() request: Request,
  ): Promise<MastodonStatus> {
    const postId = statusId(id);
    const params = updateStatusParams(body ?? {});
    const post = await this.visible(postId, request);
    if (post.accountId !== auth.accountId) throw MastodonException.forbidden();
    const mediaIds = params.mediaIds ?? undefined;
    // Mastodon's edit sends the whole status: no poll removes the poll, a changed one resets its votes.
    const poll = params.poll ? { ...params.poll } : null;
    const updated = await withMediaAs422(() =>
      this.service.update(auth, postId, params.input, { mediaIds, sensitive: params.sensitive, poll }),
    );
    return this.render(updated, request);
  }

  @Scope('write:statuses')
  @Delete(':id')
  async remove(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Req() request: Request,
  ): Promise<MastodonStatus> {
    const post = await this.visible(statusId(id), request);
    // Rendered before it goes (then nobody may see it); `text` is the source, for "delete and redraft".
    const rendered = await this.render(post, request);
    await this.service.delete(auth, post.id);
    return { ...rendered, text: post.source ?? '' };
  }

  /** The Markdown the author wrote: only the author may read it (others: 404, as Mastodon). */
  @Scope('read:statuses')
  @Get(':id/source')
  async source(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Req() request: Request,
  ): Promise<MastodonStatusSource> {
    const post = await this.visible(statusId(id), request);
    if (post.accountId !== auth.accountId || post.boostOfId) throw MastodonException.notFound();
    return { id: post.id, text: post.source ?? '', spoiler_text: post.contentWarning ?? '' };
  }

  @Public()
  @Get(':id/history')
  async history(@Param('id') id: string, @Req() request: Request): Promise<MastodonStatusEdit[]> {
    const post = await this.visible(statusId(id), request);
    if (post.boostOfId) throw MastodonException.notFound();
    const context = this.loaders.of(request);
    const [edits, rendered, media, poll] = await Promise.all([
      post.editedAt ? this.posts.findEdits(post.id) : Promise.resolve([]),
      this.render(post, request),
      context.loaders.get(MEDIA_VIEWS_BY_POST_ID).load(post.id),
      context.loaders.get(POLL_BY_POST_ID).load(post.id),
    ]);
    return toStatusEdits(post, edits, rendered.account, media, poll?.options.map((option) => option.title) ?? null);
  }

  @Public()
  @Get(':id/context')
  async context(@Param('id') id: string, @Req() request: Request): Promise<MastodonContext> {
    const context = this.loaders.of(request);
    const thread = await this.threads.thread(context.viewerId, statusId(id));
    const [ancestors, descendants] = await Promise.all([
      this.statuses.serializeMany(thread.ancestors, context),
      this.statuses.serializeMany(thread.descendants, context),
    ]);
    return { ancestors, descendants };
  }

  private async visible(id: string, request: Request): Promise<PostEntity> {
    const post = await this.posts.findVisible(id, this.loaders.of(request).viewerId);
    if (!post) throw MastodonException.notFound();
    return post;
  }

  private async render(post: PostEntity, request: Request): Promise<MastodonStatus> {
    const rendered = await this.statuses.serialize(post, this.loaders.of(request));
    if (!rendered) throw MastodonException.notFound();
    return rendered;
  }
}
