import type { RemoteMediaData } from '../media/remote-media';
import type { PostDraftPoll } from '../polls/poll.service';
import type { PostEntity, Visibility } from './post.entity';

/**
 * A post as it will be stored, whoever wrote it: rendered from Markdown (a local author) or
 * sanitized from a remote server's HTML already.
 */
export interface PostDraft {
  /** A remote post's ActivityPub id (its writes are idempotent on it); null for a local post. */
  uri: string | null;
  url: string | null;
  /** An article's name; null for notes. */
  title: string | null;
  /** The Markdown a local author wrote; null for remote posts. */
  source: string | null;
  content: string;
  summary: string | null;
  contentWarning: string | null;
  language: string | null;
  visibility: Visibility;
  /** The post replied to, already checked by the entry point (visible, not a boost, live). */
  inReplyTo: PostEntity | null;
  mentionedAccountIds: string[];
  hashtags: string[];
  /** A local author's uploads (ids), or a remote post's links to files on its server. */
  media: { uploads: string[] } | { remote: readonly RemoteMediaData[] };
  /** When a remote post says it was published (checked against the clock by the caller). */
  publishedAt: Date | null;
  /** A local author's poll (checked by PollService.prepare), or a remote Question's; null: none. */
  poll: PostDraftPoll | null;
  /** A local client's `Idempotency-Key` (see CreatePostOptions). */
  idempotencyKey?: string;
}
