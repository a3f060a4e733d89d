/**
 * Who performs a write (ADR 0024). Every action (like, boost, post, follow, block…) has one
 * operation that takes an Actor, whichever door the request came through: GraphQL, the Mastodon
 * REST API (local accounts) or the federation inbox (remote ones).
 *
 * - A local actor was authenticated by the caller; the operation applies the local rules
 *   (rate limits stay with the entry point, which resolves what the account may see).
 * - A remote actor's activity was verified by the inbox, which also checked that it may see what
 *   it acts on. `activityUri` is the id of the activity that made the change: a row it creates
 *   records it, so a redelivery changes nothing and an Undo can name it. It is null only for
 *   activities that create nothing (an Undo, a Reject…).
 */
export type Actor = LocalActor | RemoteActor;

export interface LocalActor {
  readonly kind: 'local';
  readonly accountId: string;
}

export interface RemoteActor {
  readonly kind: 'remote';
  readonly accountId: string;
  readonly activityUri: string | null;
}

export function localActor(accountId: string): LocalActor {
  return { kind: 'local', accountId };
}

export function remoteActor(accountId: string, activityUri: string | null): RemoteActor {
  return { kind: 'remote', accountId, activityUri };
}

/** The id a remote actor's new row records (null for a local one); a remote create without one is a bug. */
export function activityUriOf(actor: Actor, what: string): string | null {
  if (actor.kind === 'local') return null;
  if (!actor.activityUri) throw new Error(`a remote ${what} needs the id of its activity`);
  return actor.activityUri;
}
