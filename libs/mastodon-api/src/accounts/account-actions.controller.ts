import { Body, Param, Query } from '@nestjs/common';
import { type AuthContext, CurrentAuth } from '@guildhall/identity';
import { BlockService, FollowService, SocialGraphService } from '@guildhall/social';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { MastodonException } from '../http/mastodon.exception';
import { arrayParam, booleanParam, stringParam } from '../http/params';
import { Scope } from '../http/scopes.decorator';
import type { MastodonRelationship } from '../serializers/mastodon-entities';
import { AccountLookup, handleOf } from './account-lookup.service';
import { toMastodonRelationship } from './relationship.serializer';

type FormBody = Record<string, unknown> | undefined;

const LANGUAGE = /^[a-z]{2}$/;

/**
 * A follow's `languages[]`: undefined when the request does not name it (the follow keeps its
 * languages), otherwise the lower-case ISO 639-1 codes given (none: every language). A code that
 * is not one is a 422, as Mastodon's language validation answers.
 */
function followLanguages(body: FormBody, query: Record<string, unknown>): string[] | undefined {
  const source = body && ('languages' in body || 'languages[]' in body) ? body : query;
  if (!('languages' in source) && !('languages[]' in source)) return undefined;
  const codes = arrayParam(source, 'languages')
    .map((code) => code.trim().toLowerCase())
    .filter((code) => code !== '');
  const invalid = codes.find((code) => !LANGUAGE.test(code));
  if (invalid !== undefined) {
    throw MastodonException.unprocessable(`Validation failed: Languages contains an invalid language code: ${invalid}`);
  }
  return [...new Set(codes)];
}

/**
 * Follows, blocks and mutes by account id, each through the social lib's services (their pair
 * locks, rate limits, counters, events and federation), answering the new Relationship.
 * The per-follow options `reblogs`, `notify` and `languages` are kept on the follow (an absent one
 * keeps its value, as in Mastodon; an empty `languages` shows every language again).
 */
@MastodonController('api/v1/accounts')
export class AccountActionsController {
  constructor(
    private readonly lookup: AccountLookup,
    private readonly follows: FollowService,
    private readonly blocks: BlockService,
    private readonly graph: SocialGraphService,
  ) {}

  /** Follows; a locked or remote account answers `requested` until it accepts. */
  @Scope('write:follows')
  @MastodonPost(':id/follow')
  async follow(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: FormBody,
    @Query() query: Record<string, unknown>,
  ): Promise<MastodonRelationship> {
    const given = (name: string): boolean | undefined => {
      const value = body?.[name] ?? query[name];
      return value === undefined || value === null || value === '' ? undefined : booleanParam(value);
    };
    const languages = followLanguages(body, query);
    const target = await this.lookup.byId(id);
    await this.follows.follow(auth.accountId, handleOf(target), {
      showReblogs: given('reblogs'),
      notify: given('notify'),
      languages,
    });
    return this.relationship(auth.accountId, target.id);
  }

  @Scope('write:follows')
  @MastodonPost(':id/unfollow')
  async unfollow(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<MastodonRelationship> {
    const target = await this.lookup.byId(id);
    await this.follows.unfollow(auth.accountId, handleOf(target));
    return this.relationship(auth.accountId, target.id);
  }

  @Scope('write:follows')
  @MastodonPost(':id/remove_from_followers')
  async removeFromFollowers(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<MastodonRelationship> {
    const target = await this.lookup.byId(id);
    await this.follows.removeFollower(auth.accountId, handleOf(target));
    return this.relationship(auth.accountId, target.id);
  }

  @Scope('write:blocks')
  @MastodonPost(':id/block')
  async block(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<MastodonRelationship> {
    const target = await this.lookup.byId(id);
    await this.blocks.block(auth.accountId, handleOf(target));
    return this.relationship(auth.accountId, target.id);
  }

  @Scope('write:blocks')
  @MastodonPost(':id/unblock')
  async unblock(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<MastodonRelationship> {
    const target = await this.lookup.byId(id);
    await this.blocks.unblock(auth.accountId, handleOf(target));
    return this.relationship(auth.accountId, target.id);
  }

  /**
   * Mutes through the social lib: `duration` seconds (0 or absent: for good; the mute lapses by
   * itself after it) and `notifications` (default true: the account's notifications are silenced
   * too). Muting again changes both, as Mastodon's does.
   */
  @Scope('write:mutes')
  @MastodonPost(':id/mute')
  async mute(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<MastodonRelationship> {
    const duration = stringParam(body?.duration)?.trim() ?? '';
    if (duration !== '' && !/^\d{1,12}$/.test(duration)) {
      throw MastodonException.unprocessable('duration must be a whole number of seconds');
    }
    const target = await this.lookup.byId(id);
    await this.blocks.mute(auth.accountId, handleOf(target), {
      durationSeconds: duration === '' ? 0 : Number(duration),
      notifications: booleanParam(body?.notifications, true),
    });
    return this.relationship(auth.accountId, target.id);
  }

  @Scope('write:mutes')
  @MastodonPost(':id/unmute')
  async unmute(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<MastodonRelationship> {
    const target = await this.lookup.byId(id);
    await this.blocks.unmute(auth.accountId, handleOf(target));
    return this.relationship(auth.accountId, target.id);
  }

  private async relationship(viewerId: string, accountId: string): Promise<MastodonRelationship> {
    const found = await this.graph.relationships(viewerId, [accountId]);
    return toMastodonRelationship(accountId, found.get(accountId) ?? null);
  }
}
