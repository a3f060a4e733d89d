import { isExpired } from './poll-rules';
import type { PollEntity } from './poll.entity';

/** A poll as one viewer sees it (Mastodon's Poll entity, in our terms). */
export interface PollView {
  id: string;
  postId: string;
  expiresAt: Date | null;
  expired: boolean;
  multiple: boolean;
  hideTotals: boolean;
  votesCount: number;
  votersCount: number | null;
  /** In order; `votesCount` is null while the totals are hidden (until the poll ends). */
  options: { title: string; votesCount: number | null }[];
  /** Null for an anonymous viewer; true for its author, as Mastodon's `Poll#voted?` (they see results). */
  voted: boolean | null;
  /** The viewer's choices (option indexes); null for an anonymous viewer. */
  ownVotes: number[] | null;
}

/** What a remote `Question` says of its poll. */
export interface RemotePollData {
  options: string[];
  /** Per option, from each option's `replies.totalItems` (0 when absent). */
  votesCounts: number[];
  multiple: boolean;
  votersCount: number | null;
  /** `closed` (when a time, or now when just true), else `endTime`; null: no end. */
  expiresAt: Date | null;
}

/** `viewer`: who reads and the choices they made (null: anonymous). */
export function toPollView(
  poll: PollEntity,
  viewer: { accountId: string; choices: number[] } | null,
  now: Date,
): PollView {
  const expired = isExpired(poll.expiresAt, now);
  const showTotals = expired || !poll.hideTotals;
  return {
    id: poll.id,
    postId: poll.postId,
    expiresAt: poll.expiresAt,
    expired,
    multiple: poll.multiple,
    hideTotals: poll.hideTotals,
    votesCount: poll.votesCount,
    votersCount: poll.votersCount,
    options: poll.options.map((title, index) => ({
      title,
      votesCount: showTotals ? (poll.votesCounts[index] ?? 0) : null,
    })),
    voted: viewer === null ? null : viewer.accountId === poll.accountId || viewer.choices.length > 0,
    ownVotes: viewer?.choices ?? null,
  };
}
