import type { webcrypto } from 'node:crypto';
import type { ActorKeyPair, Context } from '@fedify/fedify';
import { Application, CryptographicKey, Endpoints, Image, Multikey, Person } from '@fedify/fedify/vocab';
import { Temporal } from '@js-temporal/polyfill';
import type { AccountEntity } from '@guildhall/identity';
import { toAccountModel } from '@guildhall/identity';

/** Where a local actor's collections live; ids derive from PUBLIC_ORIGIN (Fedify's `origin`). */
export const ACTOR_PATH = '/users/{identifier}';
export const SHARED_INBOX_PATH = '/inbox';
export const INSTANCE_ACTOR_PATH = '/actor';

export function actorUrls(origin: string, username: string) {
  const id = `${origin}/users/${username}`;
  return {
    inbox: new URL(`${id}/inbox`),
    outbox: new URL(`${id}/outbox`),
    followers: new URL(`${id}/followers`),
    following: new URL(`${id}/following`),
    featured: new URL(`${id}/featured`),
    sharedInbox: new URL(`${origin}${SHARED_INBOX_PATH}`),
  };
}

/**
 * What Fedify's getActorKeyPairs gives (same key ids: `#main-key`, `#key-2`; `#multikey-1`, …), for
 * an actor outside its actor route (the instance actor).
 */
export function describeKeyPairs(actorId: URL, pairs: webcrypto.CryptoKeyPair[]): ActorKeyPair[] {
  return pairs.map((pair, i) => {
    const keyId = new URL(i === 0 ? '#main-key' : `#key-${i + 1}`, actorId);
    return {
      ...pair,
      keyId,
      cryptographicKey: new CryptographicKey({ id: keyId, owner: actorId, publicKey: pair.publicKey }),
      multikey: new Multikey({
        id: new URL(`#multikey-${i + 1}`, actorId),
        controller: actorId,
        publicKey: pair.publicKey,
      }),
    };
  });
}

type Instant = NonNullable<ConstructorParameters<typeof Person>[0]['published']>;
/** Fedify types `published` with TypeScript's esnext.temporal lib; the polyfill's types differ slightly. */
const instant = (date: Date) => Temporal.Instant.fromEpochMilliseconds(date.getTime()) as unknown as Instant;

/** A local account as an ActivityPub `Person` (the fields Mastodon reads: FEDERATION.md). */
export function toPerson(ctx: Context<void>, account: AccountEntity, keys: ActorKeyPair[]): Person {
  const origin = ctx.origin;
  const model = toAccountModel(account, origin);
  const urls = actorUrls(origin, account.username);
  return new Person({
    id: ctx.getActorUri(account.username),
    preferredUsername: account.username,
    name: account.displayName,
    summary: account.bio,
    url: new URL(model.url),
    icon: model.avatarUrl ? new Image({ url: new URL(model.avatarUrl) }) : null,
    image: model.headerUrl ? new Image({ url: new URL(model.headerUrl) }) : null,
    manuallyApprovesFollowers: account.manuallyApprovesFollowers,
    discoverable: account.discoverable,
    published: instant(account.createdAt),
    inbox: urls.inbox,
    outbox: urls.outbox,
    followers: urls.followers,
    following: urls.following,
    // Mastodon reads pinned posts from `featured`; an empty collection until pins exist.
    featured: urls.featured,
    endpoints: new Endpoints({ sharedInbox: urls.sharedInbox }),
    publicKey: keys[0]?.cryptographicKey ?? null,
    assertionMethods: keys.map((key) => key.multikey),
  });
}

/**
 * The instance actor: signs the server's own outbound GETs (later slices) and is fetchable
 * unsigned. Served at /actor, outside Fedify's /users/{identifier} actor route.
 */
export function toInstanceActor(origin: string, keys: ActorKeyPair[]): Application {
  const host = new URL(origin).host;
  return new Application({
    id: new URL(`${origin}${INSTANCE_ACTOR_PATH}`),
    preferredUsername: host,
    name: host,
    summary: 'The instance actor of this Guildhall server.',
    url: new URL(origin),
    manuallyApprovesFollowers: true,
    inbox: new URL(`${origin}${INSTANCE_ACTOR_PATH}/inbox`),
    outbox: new URL(`${origin}${INSTANCE_ACTOR_PATH}/outbox`),
    endpoints: new Endpoints({ sharedInbox: new URL(`${origin}${SHARED_INBOX_PATH}`) }),
    publicKey: keys[0]?.cryptographicKey ?? null,
    assertionMethods: keys.map((key) => key.multikey),
  });
}
