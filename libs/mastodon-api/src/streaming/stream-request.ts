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
  direct: 'read:statuses',
};

const MAX_TAG_LENGTH = 100;

/** A stream key for a subscription (`hashtag:<tag>` carries its tag), or an error message. */
export function streamKey(
  stream: unknown,
  params: { tag?: unknown; list?: unknown },
  scopes: readonly string[] | null,
): { key: string } | { error: string } {
  if (typeof stream !== 'string' || !(stream in STREAMS)) return { error: 'Unknown stream type' };
  if (!scopeAllows(scopes, STREAMS[stream])) return { error: 'Access token does not have the required scopes' };
  // Guildhall has no media-only timelines: the media streams are the plain ones.
  const plain = stream.replace(/:media$/, '');
  if (plain !== 'hashtag' && plain !== 'hashtag:local') return { key: plain };
  const tag = typeof params.tag === 'string' ? params.tag.replace(/^#/, '').trim() : '';
  if (!tag || tag.length > MAX_TAG_LENGTH) return { error: 'No tag for stream provided' };
  return { key: `${plain}:${tag.toLowerCase()}` };
}
