import type { AccountEntity } from './account.entity';
import type { AccountModel } from './account.model';

/** Local ActivityPub ids and pages derive from PUBLIC_ORIGIN; remote ones are stored. */
export function localActorUri(origin: string, username: string): string {
  return `${origin}/users/${username}`;
}

/**
 * A local upload is served at /media/<id> (the content lib's route: identity does not import
 * content, so the URL is built from the id here); a remote account's image is its remote URL.
 */
function imageUrl(origin: string, mediaId: string | null, remoteUrl: string | null): string | null {
  if (mediaId) return `${origin}/media/${mediaId}`;
  return remoteUrl;
}

export function toAccountModel(account: AccountEntity, origin: string): AccountModel {
  const local = account.domain === null;
  return {
    id: account.id,
    handle: local ? account.username : `${account.username}@${account.domain}`,
    displayName: account.displayName,
    uri: local ? localActorUri(origin, account.username) : (account.uri ?? ''),
    url: local ? `${origin}/@${account.username}` : (account.url ?? account.uri ?? ''),
    local,
    bio: account.bio,
    avatarUrl: imageUrl(origin, account.avatarMediaId, account.avatarRemoteUrl),
    headerUrl: imageUrl(origin, account.headerMediaId, account.headerRemoteUrl),
    fields: (account.fields ?? []).map(({ name, value }) => ({ name, value })),
    manuallyApprovesFollowers: account.manuallyApprovesFollowers,
    discoverable: account.discoverable,
    postsCount: account.postsCount,
    followersCount: account.followersCount,
    followingCount: account.followingCount,
    createdAt: account.createdAt,
  };
}
