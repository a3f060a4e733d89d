import type { PollView } from '@guildhall/content';
import type { MastodonPoll } from './mastodon-entities';

/**
 * A poll as Mastodon's `Poll` entity (REST::PollSerializer): `voted` and `own_votes` only for a
 * signed-in reader (the author counts as having voted, so clients show the results); an option's
 * `votes_count` is null while the totals are hidden.
 */
export function toMastodonPoll(poll: PollView): MastodonPoll {
  return {
    id: poll.id,
    expires_at: poll.expiresAt ? new Date(poll.expiresAt).toISOString() : null,
    expired: poll.expired,
    multiple: poll.multiple,
    votes_count: poll.votesCount,
    voters_count: poll.votersCount,
    options: poll.options.map((option) => ({ title: option.title, votes_count: option.votesCount })),
    emojis: [],
    ...(poll.voted === null ? {} : { voted: poll.voted, own_votes: poll.ownVotes ?? [] }),
  };
}
