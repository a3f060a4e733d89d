import type { AccountEntity } from './account.entity';
import type { AccountModel } from './account.model';

/** Local ActivityPub ids and pages derive from PUBLIC_ORIGIN; remote ones are stored. */
export function localActorUri(origin: string, username: string): string {
  return `${origin}/users/${username}`;
}

export function toAccountModel(account: AccountEntity, origin: string): AccountModel {
  const local = account.domain === null;
  return {
    id: account.id,
    handle: local ? account.username : `${account.username}@${account.domain}`,
    displayName: account.displayName,
    uri: local ? localActorUri(origin, account.username) : (account.uri ?? ''),
    url: local ? `${origin}/@${account.username}` : (account.url ?? account.uri ?? ''),
    followersCount: account.followersCount,
    followingCount: account.followingCount,
    createdAt: account.createdAt,
  };
}
