import { Visibility } from '@guildhall/content';
import { actorId, originOf } from '../http/inbox-request';
import { plainActivityStreams } from '../http/plain-activity-streams';
import { sameHost } from './inbox-support';

const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';
/** Compacted spellings of Public that Fedify expands: the batch leaves them to Fedify's reading. */
const PUBLIC_ALIASES = new Set(['as:Public', 'Public']);

/**
 * An inbound activity the worker can apply in a batch (ADR 0057): a Like or Announce of a local
 * post, or an Undo embedding one, read from its JSON as the fast path reads it (plain
 * ActivityStreams, no JSON-LD processing). `uri` is the like's or boost's ActivityPub id (the
 * activity's own, or for an Undo the undone one's); `keys` are what two activities must not share
 * to be applied in the same transaction without changing the outcome of their order.
 */
export interface BatchItem {
  kind: 'like' | 'boost' | 'unlike' | 'unboost';
  activityId: string;
  actor: string;
  postId: string;
  uri: string;
  /** A boost's visibility, from the Announce's addressing. */
  visibility: Visibility;
  keys: string[];
}

/**
 * The batchable reading of a queued message, or null: the message then takes Fedify's path,
 * which decides everything this does not read (a bare-id Undo, a remote post, other addressing,
 * compacted Public, a custom context…). `localPostId` names the local post an object id is of.
 */
export function batchItemOf(
  message: unknown,
  localOrigin: string,
  localPostId: (uri: string) => string | null,
): BatchItem | null {
  if (typeof message !== 'object' || message === null) return null;
  const { type, activity } = message as { type?: unknown; activity?: unknown };
  if (type !== 'inbox' || !isRecord(activity) || !plainActivityStreams(activity)) return null;
  const id = activity.id;
  const actor = actorId(activity);
  if (typeof id !== 'string' || actor === null || typeof activity.actor !== 'string') return null;
  const actorOrigin = originOf(actor);
  if (actorOrigin === null || actorOrigin === localOrigin || originOf(id) === null || !sameHost(id, actor)) return null;
  const base = { activityId: new URL(id).href, actor: new URL(actor).href };
  switch (activity.type) {
    case 'Like': {
      const postId = objectPost(activity, localPostId);
      return postId
        ? item({ ...base, kind: 'like', postId, uri: base.activityId, visibility: Visibility.Public })
        : null;
    }
    case 'Announce': {
      const postId = objectPost(activity, localPostId);
      const visibility = announceVisibility(activity);
      return postId && visibility ? item({ ...base, kind: 'boost', postId, uri: base.activityId, visibility }) : null;
    }
    case 'Undo': {
      const undone = activity.object;
      if (!isRecord(undone) || (undone.type !== 'Like' && undone.type !== 'Announce')) return null;
      if (typeof undone.id !== 'string' || originOf(undone.id) === null) return null;
      // Only its actor can undo an activity: any other actor (or an embedded one) is Fedify's path to refuse.
      if (undone.actor !== undefined && undone.actor !== actor) return null;
      const postId = objectPost(undone, localPostId);
      if (!postId) return null;
      const kind = undone.type === 'Like' ? 'unlike' : 'unboost';
      return item({ ...base, kind, postId, uri: new URL(undone.id).href, visibility: Visibility.Public });
    }
    default:
      return null;
  }
}

function item(fields: Omit<BatchItem, 'keys'>): BatchItem {
  const pair = fields.kind === 'like' || fields.kind === 'unlike' ? 'like' : 'boost';
  const keys = [`activity ${fields.activityId}`, `uri ${fields.uri}`, `${pair} ${fields.actor} ${fields.postId}`];
  return { ...fields, keys };
}

function objectPost(activity: Record<string, unknown>, localPostId: (uri: string) => string | null): string | null {
  return typeof activity.object === 'string' ? localPostId(activity.object) : null;
}

/**
 * Public when `to` names the Public collection, unlisted when `cc` does (visibilityOf's reading
 * of the same addressing); null for anything else, which Fedify's path reads.
 */
function announceVisibility(activity: Record<string, unknown>): Visibility | null {
  const to = audience(activity.to);
  const cc = audience(activity.cc);
  if (to === null || cc === null) return null;
  if ([...to, ...cc].some((id) => PUBLIC_ALIASES.has(id))) return null;
  if (to.includes(PUBLIC)) return Visibility.Public;
  if (cc.includes(PUBLIC)) return Visibility.Unlisted;
  return null;
}

function audience(value: unknown): string[] | null {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) return value;
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
