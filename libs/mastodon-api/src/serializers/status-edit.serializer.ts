import type { MediaView, PostEditEntity, PostEntity } from '@guildhall/content';
import type { MastodonAccount, MastodonStatusEdit } from './mastodon-entities';
import { toMastodonMedia } from './media.serializer';

/**
 * A post's versions as Mastodon's StatusEdit list, oldest first, the current one last. Guildhall
 * keeps each earlier version's text, warning and poll options (`pollOptions`: the current poll's
 * for the last version); media are not versioned, so every version lists the post's current media.
 */
export function toStatusEdits(
  post: PostEntity,
  edits: PostEditEntity[],
  account: MastodonAccount,
  media: MediaView[],
  pollOptions: string[] | null,
): MastodonStatusEdit[] {
  const attachments = media.map(toMastodonMedia);
  const version = (
    content: string,
    warning: string | null,
    at: Date,
    options: string[] | null,
  ): MastodonStatusEdit => ({
    content,
    spoiler_text: warning ?? '',
    sensitive: warning !== null,
    created_at: new Date(at).toISOString(),
    account,
    poll: options ? { options: options.map((title) => ({ title })) } : null,
    media_attachments: attachments,
    emojis: [],
  });
  return [
    ...edits.map((edit) => version(edit.content, edit.contentWarning, edit.createdAt, edit.pollOptions)),
    version(post.content, post.contentWarning, post.editedAt ?? post.createdAt, pollOptions),
  ];
}
