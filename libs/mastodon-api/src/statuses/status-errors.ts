import { ContentErrorCode, ContentException } from '@guildhall/content';
import { MastodonException } from '../http/mastodon.exception';

/** Media the author may not attach (another's, unknown, already used): Mastodon answers 422. */
const MEDIA_REFUSALS = new Set<string>([
  ContentErrorCode.MediaNotFound,
  ContentErrorCode.NotOwner,
  ContentErrorCode.MediaAlreadyAttached,
  ContentErrorCode.TooManyAttachments,
]);

/** Runs a write that attaches media, answering Mastodon's 422 for media it may not attach. */
export async function withMediaAs422<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ContentException && MEDIA_REFUSALS.has(error.reason)) {
      throw MastodonException.unprocessable(`Validation failed: ${error.message}`);
    }
    throw error;
  }
}
