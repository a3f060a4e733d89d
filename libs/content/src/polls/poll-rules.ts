import { ContentErrorCode, ContentException } from '../content.exception';
import { POLL_LIMITS } from './poll.constants';

/** A local poll as its author asked for it, checked. */
export interface NewPoll {
  options: string[];
  /** Seconds from publication. */
  expiresIn: number;
  multiple: boolean;
  hideTotals: boolean;
}

/** What the post the poll goes on is, for the rules that depend on it. */
export interface PollHost {
  isArticle: boolean;
  mediaCount: number;
}

/** What the vote rules need to know of a poll. */
export interface VotablePoll {
  options: string[];
  multiple: boolean;
  accountId: string;
  expiresAt: Date | null;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Length in user-perceived characters (an emoji with modifiers is one), as Mastodon counts. */
export function graphemeLength(text: string): number {
  let count = 0;
  for (const _ of segmenter.segment(text)) count++;
  return count;
}

export function isExpired(expiresAt: Date | null, now: Date): boolean {
  return expiresAt !== null && expiresAt.getTime() <= now.getTime();
}

const invalidPoll = (message: string) => new ContentException(ContentErrorCode.InvalidPoll, message);

/**
 * Mastodon's rules for a new poll (PollOptionsValidator, PollExpirationValidator, and
 * PostStatusService refusing media beside a poll): options stripped, blank ones dropped, 2 to 4
 * distinct options of at most 50 characters, 5 minutes to a month. Notes only.
 */
export function checkNewPoll(
  input: { options: string[]; expiresIn: number; multiple?: boolean | null; hideTotals?: boolean | null },
  host: PollHost,
): NewPoll {
  if (host.isArticle) throw invalidPoll('An article cannot have a poll');
  if (host.mediaCount > 0) throw invalidPoll('A post with a poll cannot have media attached');
  const options = input.options.map((option) => option.trim()).filter((option) => option.length > 0);
  if (options.length < POLL_LIMITS.minOptions) {
    throw invalidPoll(`A poll needs at least ${POLL_LIMITS.minOptions} non-blank options`);
  }
  if (options.length > POLL_LIMITS.maxOptions) {
    throw invalidPoll(`A poll has at most ${POLL_LIMITS.maxOptions} options`);
  }
  if (options.some((option) => graphemeLength(option) > POLL_LIMITS.maxCharactersPerOption)) {
    throw invalidPoll(`Poll options are at most ${POLL_LIMITS.maxCharactersPerOption} characters`);
  }
  if (new Set(options).size !== options.length) throw invalidPoll('Poll options must be distinct');
  if (!Number.isInteger(input.expiresIn)) throw invalidPoll('expiresIn is a whole number of seconds');
  if (input.expiresIn < POLL_LIMITS.minExpiration || input.expiresIn > POLL_LIMITS.maxExpiration) {
    throw invalidPoll(
      `A poll lasts ${POLL_LIMITS.minExpiration} to ${POLL_LIMITS.maxExpiration} seconds, not ${input.expiresIn}`,
    );
  }
  return {
    options,
    expiresIn: input.expiresIn,
    multiple: input.multiple ?? false,
    hideTotals: input.hideTotals ?? false,
  };
}

const voteError = (code: ContentErrorCode, message: string) => new ContentException(code, message);

/**
 * Mastodon's VoteValidator for a vote of `voterId` choosing `choices` when it already chose
 * `previous`: the poll must be open, the choices valid, the voter not its author; a single-choice
 * poll takes one vote, a multiple-choice one takes more later but never the same option twice.
 */
export function checkVote(poll: VotablePoll, voterId: string, previous: number[], choices: number[], now: Date): void {
  if (isExpired(poll.expiresAt, now)) throw voteError(ContentErrorCode.PollExpired, 'The poll has ended');
  if (choices.length === 0) throw voteError(ContentErrorCode.PollInvalidChoice, 'Choose at least one option');
  if (choices.some((choice) => !Number.isInteger(choice) || choice < 0 || choice >= poll.options.length)) {
    throw voteError(
      ContentErrorCode.PollInvalidChoice,
      `Choices are option indexes from 0 to ${poll.options.length - 1}`,
    );
  }
  if (new Set(choices).size !== choices.length) {
    throw voteError(ContentErrorCode.PollInvalidChoice, 'Each option can be chosen once');
  }
  if (!poll.multiple && choices.length > 1) {
    throw voteError(ContentErrorCode.PollInvalidChoice, 'This poll takes a single choice');
  }
  if (poll.accountId === voterId) throw voteError(ContentErrorCode.PollOwnVote, 'You cannot vote in your own poll');
  if (!poll.multiple && previous.length > 0) {
    throw voteError(ContentErrorCode.PollAlreadyVoted, 'You have already voted in this poll');
  }
  if (choices.some((choice) => previous.includes(choice))) {
    throw voteError(ContentErrorCode.PollAlreadyVoted, 'You have already voted for that option');
  }
}
