import { DataSource } from 'typeorm';
import { png } from '../fixtures/images';
import { signUp, type SignedUp } from './factories';
import { insertBlock, insertFollow } from './graph';
import type { TestApp } from './test-app';

/**
 * The one visibility table every read path is tested against (ADR 0019): GraphQL (posts and
 * timelines suites), the HTML pages, the media bytes, and ActivityPub (federation-visibility,
 * signed GETs as remote readers, authorized fetch on and off). An author writes one post of each
 * visibility, each mentioning every reader named "mentioned", "blocked", "blocking",
 * "blockedDomain" and "suspendedReader"; the row is which of the four the reader may see.
 */
export const VISIBILITIES = ['PUBLIC', 'UNLISTED', 'FOLLOWERS', 'DIRECT'] as const;
export type VisibilityName = (typeof VISIBILITIES)[number];

export type Reader =
  /** No token, no signature. */
  | 'anonymous'
  | 'author'
  /** Follows the author (accepted). */
  | 'follower'
  /** Neither follows nor is mentioned. */
  | 'stranger'
  /** Mentioned in every post; does not follow. */
  | 'mentioned'
  /** Follows and is mentioned; the author blocks them. */
  | 'blocked'
  /** Follows and is mentioned; they block the author. */
  | 'blocking'
  /** Follows and is mentioned, from a domain the moderators then block (remote readers only). */
  | 'blockedDomain'
  /** Follows and is mentioned; then a moderator suspends them. */
  | 'suspendedReader'
  /** Reads the posts of a second author they follow and are mentioned by, once that author is suspended. */
  | 'suspendedAuthor';

const ALL = VISIBILITIES;
const LISTED: readonly VisibilityName[] = ['PUBLIC', 'UNLISTED'];

export const VISIBILITY_MATRIX: Readonly<Record<Reader, readonly VisibilityName[]>> = {
  anonymous: LISTED,
  author: ALL,
  follower: ['PUBLIC', 'UNLISTED', 'FOLLOWERS'],
  stranger: LISTED,
  mentioned: ALL,
  blocked: [],
  blocking: [],
  blockedDomain: [],
  suspendedReader: [],
  suspendedAuthor: [],
};

/** The readers a path made of local accounts can represent (no remote domain to block). */
export const LOCAL_READERS: readonly Reader[] = [
  'anonymous',
  'author',
  'follower',
  'stranger',
  'mentioned',
  'blocked',
  'blocking',
  'suspendedReader',
  'suspendedAuthor',
];

export interface LocalMatrix {
  author: SignedUp;
  /** Suspended once its posts are written. */
  suspendedAuthor: SignedUp;
  /** The reader's credentials (undefined: anonymous). */
  token(reader: Reader): string | undefined;
  /** The post of each visibility the reader's row is about (the suspended author's for `suspendedAuthor`). */
  postIds(reader: Reader): Record<VisibilityName, string>;
  /** The image attached to each of those posts. */
  mediaIds(reader: Reader): Record<VisibilityName, string>;
}

async function upload(t: TestApp, who: SignedUp): Promise<string> {
  const res = await t
    .http()
    .post('/api/v1/media')
    .set('authorization', `Bearer ${who.token}`)
    .attach('file', png(2, 2), { filename: 'matrix.png', contentType: 'image/png' });
  if (res.status !== 200) throw new Error(`upload failed: ${res.status} ${res.text}`);
  return (res.body as { id: string }).id;
}

async function writePosts(
  t: TestApp,
  author: SignedUp,
  mentions: SignedUp[],
): Promise<{ posts: Record<VisibilityName, string>; media: Record<VisibilityName, string> }> {
  const posts = {} as Record<VisibilityName, string>;
  const media = {} as Record<VisibilityName, string>;
  const handles = mentions.map((who) => `@${who.username}`).join(' ');
  for (const visibility of VISIBILITIES) {
    media[visibility] = await upload(t, author);
    const res = await t.gql<{ createPost: { id: string } }>(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      { input: { content: `${visibility} matrix post for ${handles}`, visibility, mediaIds: [media[visibility]] } },
      author.token,
    );
    if (!res.data?.createPost) throw new Error(JSON.stringify(res.errors));
    posts[visibility] = res.data.createPost.id;
  }
  return { posts, media };
}

/** The table's world made of local accounts, for the GraphQL, HTML and media paths. */
export async function setUpLocalMatrix(t: TestApp): Promise<LocalMatrix> {
  const [author, suspendedAuthor, follower, stranger, mentioned, blocked, blocking, suspendedReader, ofSuspended] =
    await Promise.all(Array.from({ length: 9 }, () => signUp(t)));
  for (const who of [follower, blocked, blocking, suspendedReader]) {
    await insertFollow(t, who.account.id, author.account.id);
  }
  await insertFollow(t, ofSuspended.account.id, suspendedAuthor.account.id);
  await insertBlock(t, author.account.id, blocked.account.id);
  await insertBlock(t, blocking.account.id, author.account.id);
  const own = await writePosts(t, author, [mentioned, blocked, blocking, suspendedReader]);
  const ofSuspendedAuthor = await writePosts(t, suspendedAuthor, [ofSuspended]);
  await t.app
    .get(DataSource)
    .query('UPDATE accounts SET suspended_at = now() WHERE id = ANY($1)', [
      [suspendedAuthor.account.id, suspendedReader.account.id],
    ]);
  const readers: Record<Reader, SignedUp | undefined> = {
    anonymous: undefined,
    author,
    follower,
    stranger,
    mentioned,
    blocked,
    blocking,
    blockedDomain: undefined,
    suspendedReader,
    suspendedAuthor: ofSuspended,
  };
  return {
    author,
    suspendedAuthor,
    token: (reader) => {
      if (reader === 'blockedDomain') throw new Error('local paths have no reader on a blocked domain');
      return readers[reader]?.token;
    },
    postIds: (reader) => (reader === 'suspendedAuthor' ? ofSuspendedAuthor.posts : own.posts),
    mediaIds: (reader) => (reader === 'suspendedAuthor' ? ofSuspendedAuthor.media : own.media),
  };
}

/** Which visibilities `canSee` answers true for, in the table's order. */
export async function seenVisibilities(
  canSee: (visibility: VisibilityName) => Promise<boolean>,
): Promise<VisibilityName[]> {
  const seen: VisibilityName[] = [];
  for (const visibility of VISIBILITIES) if (await canSee(visibility)) seen.push(visibility);
  return seen;
}
