import { Injectable } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import { type AccountEntity, localActorUri } from '@guildhall/identity';
import type { MastodonAccount, MastodonField } from './mastodon-entities';

/** Mastodon's placeholders for an account without an avatar or header (served by InstanceController). */
export const MISSING_AVATAR_PATH = '/avatars/original/missing.png';
export const MISSING_HEADER_PATH = '/headers/original/missing.png';

const BOT_ACTOR_TYPES = new Set(['Service', 'Application']);

function iso(date: Date): string {
  return new Date(date).toISOString();
}

/** An account as Mastodon renders it: `acct` is `user` for local accounts, `user@host` for remote ones. */
@Injectable()
export class AccountSerializer {
  constructor(private readonly config: ConfigService) {}

  private get origin(): string {
    return this.config.values.publicOrigin;
  }

  serialize(account: AccountEntity): MastodonAccount {
    const origin = this.origin;
    const local = account.domain === null;
    const uri = local ? localActorUri(origin, account.username) : (account.uri ?? '');
    const avatar = this.image(account.avatarMediaId, account.avatarRemoteUrl) ?? `${origin}${MISSING_AVATAR_PATH}`;
    const header = this.image(account.headerMediaId, account.headerRemoteUrl) ?? `${origin}${MISSING_HEADER_PATH}`;
    const createdAt = new Date(account.createdAt);
    createdAt.setUTCHours(0, 0, 0, 0);
    return {
      id: account.id,
      username: account.username,
      acct: local ? account.username : `${account.username}@${account.domain}`,
      url: local ? `${origin}/@${account.username}` : (account.url ?? account.uri ?? ''),
      uri,
      display_name: account.displayName ?? '',
      note: account.bio ?? '',
      avatar,
      avatar_static: avatar,
      header,
      header_static: header,
      locked: account.manuallyApprovesFollowers,
      fields: this.fields(account),
      emojis: [],
      bot: account.actorType !== null && BOT_ACTOR_TYPES.has(account.actorType),
      group: account.actorType === 'Group',
      discoverable: account.discoverable,
      indexable: account.discoverable,
      hide_collections: false,
      noindex: local ? !account.discoverable : null,
      // Mastodon rounds an account's creation to the day.
      created_at: iso(createdAt),
      last_status_at: null,
      statuses_count: account.postsCount,
      followers_count: account.followersCount,
      following_count: account.followingCount,
      roles: [],
    };
  }

  fields(account: AccountEntity): MastodonField[] {
    return (account.fields ?? []).map(({ name, value }) => ({ name, value, verified_at: null }));
  }

  private image(mediaId: string | null, remoteUrl: string | null): string | null {
    if (mediaId) return `${this.origin}/media/${mediaId}`;
    return remoteUrl;
  }
}
