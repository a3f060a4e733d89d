import { scopeAllows } from '@guildhall/identity';

/** The streams a client may name, with the scope each needs (Mastodon's). */
const STREAMS: Record<string, string> = {
  user: 'read:statuses',
  'user:notification': 'read:notifications',
  public: 'read:statuses',
  'public:local': 'read:statuses',
  'public:remote': 'read:statuses',
  'public:media': 'read:statuses',
  'public:local:media': 'read:statuses',
  'public:remote:media': 'read:statuses',
  hashtag: 'read:statuses',
  'hashtag:local': 'read:statuses',
  list: 'read:statuses',
  direct: 'read:statuses',
};

const MAX_TAG_LENGTH = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Mastodon's streaming error: `{"error": "Unknown stream type", "status": 400}`. */
export interface StreamError {
  error: string;
  status: 400 | 401;
}

/** A subscription's stream key (`hashtag:<tag>`, `list:<id>` carry their parameter), or Mastodon's error. */
export type StreamKeyResult = { key: string } | StreamError;

/** A query parameter or message field that may come as an array (`?stream=a&stream=b`): the first. */
function first(value: unknown): unknown {
  return Array.isArray(value) ? (value as unknown[])[0] : value;
}

/**
 * The stream key for a subscription, as Mastodon's streaming server names and checks it: a known
 * stream, a token with the scope it needs, a tag for the hashtag streams and, for `list`, a list
 * the reader owns (`ownsList`).
 */
export async function streamKey(
  stream: unknown,
  params: { tag?: unknown; list?: unknown },
  scopes: readonly string[] | null,
  ownsList: (listId: string) => Promise<boolean>,
): Promise<StreamKeyResult> {
  const name = first(stream);
  if (typeof name !== 'string' || !Object.hasOwn(STREAMS, name)) return { error: 'Unknown stream type', status: 400 };
  if (!scopeAllows(scopes, STREAMS[name])) {
    return { error: 'Access token does not have the required scopes', status: 401 };
  }
  // Guildhall has no media-only timelines: the media streams are the plain ones.
  const plain = name.replace(/:media$/, '');
  if (plain === 'list') {
    const list = first(params.list);
    if (typeof list !== 'string' || !list) return { error: 'Missing list name parameter', status: 400 };
    if (!UUID.test(list) || !(await ownsList(list))) {
      return { error: 'Not authorized to stream this list', status: 401 };
    }
    return { key: `list:${list.toLowerCase()}` };
  }
  if (plain !== 'hashtag' && plain !== 'hashtag:local') return { key: plain };
  const raw = first(params.tag);
  const tag = typeof raw === 'string' ? raw.replace(/^#/, '').trim() : '';
  if (!tag) return { error: 'Missing tag name parameter', status: 400 };
  if (tag.length > MAX_TAG_LENGTH) return { error: 'Tag name is too long', status: 400 };
  return { key: `${plain}:${tag.toLowerCase()}` };
}

/** A stream key's Mastodon name: `["hashtag", "tag"]`, `["list", "<id>"]`, `["user"]`. */
export function streamName(key: string): string[] {
  const withParam = /^(hashtag(?::local)?|list):(.+)$/.exec(key);
  return withParam ? [withParam[1], withParam[2]] : [key];
}

/**
 * The token of a streaming request, where Mastodon looks for it: `Authorization: Bearer` first,
 * then the `access_token` query parameter, then `Sec-WebSocket-Protocol` (browsers' WebSocket
 * cannot set headers; masto.js sends the token as the subprotocol).
 */
export function streamingToken(headers: Record<string, unknown>, query: URLSearchParams): string | null {
  const header = headers.authorization;
  if (typeof header === 'string' && header.trim()) return /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? null;
  const param = query.get('access_token');
  if (param) return param;
  const protocol = headers['sec-websocket-protocol'];
  if (typeof protocol === 'string' && protocol.trim()) return protocol.split(',')[0].trim();
  return null;
}
