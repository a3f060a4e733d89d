/**
 * Ids of the activities we send: under our origin, unique per action and stable across retries
 * (a retried job sends the same id, which receivers deduplicate). The ones without a fragment
 * dereference (`/posts/<id>/activity`, `/follows/<id>`); the others are fragments of a document
 * that does, as Mastodon's are.
 */
export const ActivityIds = {
  /** Create of a post, or Announce of a boost (a boost is a post row of its own). */
  postActivity: (origin: string, postId: string) => new URL(`${origin}/posts/${postId}/activity`),
  update: (origin: string, postId: string, at: number) => new URL(`${origin}/posts/${postId}#updates/${at}`),
  delete: (origin: string, postId: string) => new URL(`${origin}/posts/${postId}#delete`),
  undoAnnounce: (origin: string, boostId: string) => new URL(`${origin}/posts/${boostId}/activity#undo`),
  like: (origin: string, username: string, likeId: string) => new URL(`${origin}/users/${username}#likes/${likeId}`),
  undoLike: (origin: string, username: string, likeId: string) =>
    new URL(`${origin}/users/${username}#likes/${likeId}/undo`),
  /** A local voter's vote (a Note, one per option chosen) and its Create, as Mastodon names them. */
  vote: (origin: string, username: string, voteId: string) => new URL(`${origin}/users/${username}#votes/${voteId}`),
  voteActivity: (origin: string, username: string, voteId: string) =>
    new URL(`${origin}/users/${username}#votes/${voteId}/activity`),
  follow: (origin: string, followId: string) => new URL(`${origin}/follows/${followId}`),
  undoFollow: (origin: string, followId: string) => new URL(`${origin}/follows/${followId}#undo`),
  /** Our answer to a remote Follow (after a manual approval, or a removed follower). */
  accept: (origin: string, username: string, followId: string, at: number) =>
    new URL(`${origin}/users/${username}#accepts/${followId}/${at}`),
  reject: (origin: string, username: string, followId: string, at: number) =>
    new URL(`${origin}/users/${username}#rejects/${followId}/${at}`),
  block: (origin: string, username: string, blockId: string) =>
    new URL(`${origin}/users/${username}#blocks/${blockId}`),
  undoBlock: (origin: string, username: string, blockId: string) =>
    new URL(`${origin}/users/${username}#blocks/${blockId}/undo`),
  updateActor: (origin: string, username: string, at: number) => new URL(`${origin}/users/${username}#updates/${at}`),
  /** A forwarded report, sent by the instance actor. */
  flag: (origin: string, reportId: string) => new URL(`${origin}/actor#reports/${reportId}`),
} as const;

/** Where our Follow activities live: `${origin}/follows/<follow id>`. */
export const FOLLOW_PATH = '/follows/{id}';
/** Where a post's Create (or a boost's Announce) lives. */
export const POST_ACTIVITY_PATH = '/posts/{id}/activity';
/** A post's public replies. */
export const POST_REPLIES_PATH = '/posts/{id}/replies';
