import {
  Announce,
  type Article,
  Create,
  Follow,
  type Note,
  PUBLIC_COLLECTION,
  type Question,
} from '@fedify/fedify/vocab';
import { Temporal } from '@js-temporal/polyfill';
import { localPostUri, type PostEntity, Visibility } from '@guildhall/content';
import { actorUrls } from '../actors/actor.mapper';
import type { BoostedRow } from '../collections/collection.repository';
import { ActivityIds } from '../outbox/activity-ids';

type Instant = NonNullable<ConstructorParameters<typeof Create>[0]['published']>;
/** Fedify types instants with TypeScript's esnext.temporal lib; the polyfill's types differ slightly. */
export const instant = (date: Date | number) =>
  Temporal.Instant.fromEpochMilliseconds(typeof date === 'number' ? date : date.getTime()) as unknown as Instant;

export const localActorUri = (origin: string, username: string) => new URL(`${origin}/users/${username}`);

/** The Create of a local post, addressed as its object is (outbox item, delivery, `/posts/<id>/activity`). */
export function toCreate(
  origin: string,
  authorUsername: string,
  object: Note | Article | Question,
  post: PostEntity,
): Create {
  return new Create({
    id: ActivityIds.postActivity(origin, post.id),
    actor: localActorUri(origin, authorUsername),
    object,
    tos: object.toIds,
    ccs: object.ccIds,
    published: instant(post.createdAt),
  });
}

/** The boosted post's id: ours, or the remote one we stored. */
export function boostedUri(origin: string, original: Pick<BoostedRow, 'id' | 'local' | 'uri'>): URL | null {
  if (original.local) return new URL(localPostUri(origin, original.id));
  return original.uri ? new URL(original.uri) : null;
}

/** The boosted post's author, when that is not the booster's own followers' business only. */
export function boostedAuthorUri(origin: string, original: BoostedRow): URL | null {
  if (original.authorDomain === null) return localActorUri(origin, original.authorUsername);
  return original.authorUri ? new URL(original.authorUri) : null;
}

/**
 * A local account's boost as an Announce: public boosts to Public (cc the booster's followers and
 * the original's author), boosts of unlisted posts the other way round, as Mastodon does.
 */
export function toAnnounce(
  origin: string,
  boosterUsername: string,
  boost: Pick<PostEntity, 'id' | 'createdAt'>,
  original: BoostedRow,
): Announce | null {
  const object = boostedUri(origin, original);
  if (!object) return null;
  const followers = actorUrls(origin, boosterUsername).followers;
  const author = boostedAuthorUri(origin, original);
  const others = author ? [author] : [];
  const unlisted = original.visibility === Visibility.Unlisted;
  return new Announce({
    id: ActivityIds.postActivity(origin, boost.id),
    actor: localActorUri(origin, boosterUsername),
    object,
    tos: unlisted ? [followers] : [PUBLIC_COLLECTION],
    ccs: unlisted ? [PUBLIC_COLLECTION, ...others] : [followers, ...others],
    published: instant(boost.createdAt),
  });
}

/** A local account's Follow of a remote one, at `/follows/<id>` (where it also dereferences). */
export function toFollow(origin: string, followId: string, followerUsername: string, followeeUri: string): Follow {
  return new Follow({
    id: ActivityIds.follow(origin, followId),
    actor: localActorUri(origin, followerUsername),
    object: new URL(followeeUri),
    to: new URL(followeeUri),
  });
}
