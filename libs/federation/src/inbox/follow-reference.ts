import { Follow, type Accept, type Reject } from '@fedify/fedify/vocab';
import type { AccountEntity } from '@guildhall/identity';
import type { FollowRef } from '@guildhall/social';
import type { InboxSupport } from './inbox-support';

/** `/follows/<uuid>`: the id our Follow activities carry (the follow row's id). */
const FOLLOW_PATH = /^\/follows\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * The local account's follow an `Accept` or `Reject` answers: by our Follow's id, or by the
 * embedded Follow's actor (a local account) and object (the sender). The embedded Follow is read
 * as sent, never fetched: dereferencing it would only ask our own server, and an id is enough.
 */
export async function followAnswered(
  activity: Accept | Reject,
  sender: AccountEntity,
  inbox: InboxSupport,
): Promise<FollowRef | null> {
  const objectId = activity.objectId;
  if (objectId && objectId.origin === inbox.origin) {
    const id = FOLLOW_PATH.exec(objectId.pathname)?.[1];
    if (id) return { id: id.toLowerCase() };
  }
  const object = await activity.getObject({ ...inbox.embeddedOnly(), crossOrigin: 'trust' });
  if (!(object instanceof Follow) || object.objectId?.href !== sender.uri) return null;
  const follower = await inbox.localAccount(object.actorId);
  return follower ? { followerId: follower.id, followeeId: sender.id } : null;
}
