import { NotificationErrorCode, NotificationException } from '@guildhall/social';
import { MastodonException } from '../http/mastodon.exception';

/** Mastodon's words for a notification the reader does not have: 404 `Record not found`. */
export async function recordNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof NotificationException && error.reason === NotificationErrorCode.NotFound) {
      throw MastodonException.notFound();
    }
    throw error;
  }
}
