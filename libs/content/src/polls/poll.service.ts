import { Injectable, Logger } from '@nestjs/common';
import { DomainEvent, DomainEventBus, UUID_PATTERN, uuidv7 } from '@guildhall/core';
import { activityUriOf, localActor, type Actor, type RemoteActor } from '@guildhall/identity';
import type { EntityManager } from 'typeorm';
import { ContentErrorCode, ContentException } from '../content.exception';
import type { PostEntity } from '../posts/post.entity';
import { PostRepository } from '../posts/post.repository';
import { REMOTE_POLL_LIMITS } from './poll.constants';
import type { PollEntity } from './poll.entity';
import { PollRepository, type VoteForDelivery } from './poll.repository';
import { checkNewPoll, checkVote, type NewPoll, type PollHost } from './poll-rules';
import { type PollView, type RemotePollData, toPollView } from './poll-view';

/** A new post's poll in PostService.publish: a local author's, checked (`prepare`), or a remote Question's. */
export type PostDraftPoll = { local: NewPoll } | { remote: RemotePollData };

/** What became of a remote actor's vote (expected outcomes are values: the inbox logs them). */
export type RemoteVoteOutcome = 'counted' | 'redelivered' | 'expired' | 'refused';

/**
 * Polls: created with their post, voted on by Mastodon's rules, read in batches for a viewer.
 * Votes publish `PollVoted` in their transaction: federation sends a local voter's votes on a
 * remote poll to its author, and a local poll's new tallies to its audience.
 */
@Injectable()
export class PollService {
  private readonly logger = new Logger(PollService.name);

  constructor(
    private readonly polls: PollRepository,
    private readonly posts: PostRepository,
    private readonly events: DomainEventBus,
  ) {}

  /** Checks a new poll against the rules before its post is written (throws INVALID_POLL). */
  prepare(
    input: { options: string[]; expiresIn: number; multiple?: boolean | null; hideTotals?: boolean | null },
    host: PollHost,
  ): NewPoll {
    return checkNewPoll(input, host);
  }

  /** A new post's poll, written in the transaction that writes the post (PostService.publish). */
  attachTo(manager: EntityManager, postId: string, authorId: string, poll: PostDraftPoll, createdAt: Date) {
    return 'local' in poll
      ? this.attach(manager, postId, authorId, poll.local, createdAt)
      : this.attachRemote(manager, postId, authorId, poll.remote);
  }

  /** Writes a checked poll in the transaction that writes its post. */
  private async attach(manager: EntityManager, postId: string, authorId: string, poll: NewPoll, now = new Date()) {
    await this.polls.insert(manager, {
      id: uuidv7(),
      postId,
      accountId: authorId,
      options: poll.options,
      votesCounts: poll.options.map(() => 0),
      multiple: poll.multiple,
      hideTotals: poll.hideTotals,
      votesCount: 0,
      votersCount: 0,
      expiresAt: new Date(now.getTime() + poll.expiresIn * 1000),
    });
  }

  /** The options of the post's poll as they stand, for the version an edit supersedes; null without a poll. */
  async optionsOf(manager: EntityManager, postId: string): Promise<string[] | null> {
    return (await this.polls.lockByPostId(manager, postId))?.options ?? null;
  }

  /**
   * A local edit's poll, in the edit's transaction (PostService.revise), as Mastodon's
   * UpdateStatusService: a poll replaces the post's (or is added); its votes are void when its
   * options or `multiple` change; its end is counted again from the edit (and an ended poll opens
   * again). Null removes the post's poll. True when there was or is a poll.
   */
  async revise(manager: EntityManager, postId: string, authorId: string, poll: NewPoll | null, now: Date) {
    const stored = await this.polls.lockByPostId(manager, postId);
    if (!poll) {
      if (stored) await this.polls.delete(manager, stored.id);
      return stored !== null;
    }
    if (!stored) {
      await this.attach(manager, postId, authorId, poll, now);
      return true;
    }
    const sameOptions =
      stored.options.length === poll.options.length && stored.options.every((o, i) => o === poll.options[i]);
    const reset = !sameOptions || stored.multiple !== poll.multiple;
    if (reset) await this.polls.deleteVotes(manager, stored.id);
    await this.polls.update(manager, stored.id, {
      options: poll.options,
      multiple: poll.multiple,
      hideTotals: poll.hideTotals,
      expiresAt: new Date(now.getTime() + poll.expiresIn * 1000),
      closedAt: null,
      ...(reset ? { votesCounts: poll.options.map(() => 0), votesCount: 0, votersCount: 0 } : {}),
    });
    return true;
  }

  /** A remote Question's poll, stored with its post; one beyond REMOTE_POLL_LIMITS is left out. */
  private async attachRemote(
    manager: EntityManager,
    postId: string,
    authorId: string,
    data: RemotePollData,
  ): Promise<void> {
    const poll = acceptableRemote(data);
    if (!poll) {
      this.logger.warn({ msg: 'remote poll not stored: beyond limits', postId, options: data.options.length });
      return;
    }
    await this.polls.insert(manager, {
      id: uuidv7(),
      postId,
      accountId: authorId,
      options: poll.options,
      votesCounts: poll.votesCounts,
      multiple: poll.multiple,
      hideTotals: false,
      votesCount: sum(poll.votesCounts),
      votersCount: poll.votersCount,
      expiresAt: poll.expiresAt,
    });
  }

  /**
   * What a remote author's `Update` says of its poll now: the tallies, voters and end. When the
   * options themselves changed, the votes cast here are void (Mastodon resets them too).
   */
  async refreshRemote(postId: string, data: RemotePollData): Promise<boolean> {
    const poll = acceptableRemote(data);
    if (!poll) return false;
    return this.polls.transaction(async (manager) => {
      const stored = await this.polls.lockByPostId(manager, postId);
      if (!stored) return false;
      const sameOptions =
        stored.options.length === poll.options.length && stored.options.every((o, i) => o === poll.options[i]);
      if (!sameOptions) await this.polls.deleteVotes(manager, stored.id);
      await this.polls.update(manager, stored.id, {
        options: poll.options,
        votesCounts: poll.votesCounts,
        multiple: poll.multiple,
        votesCount: sum(poll.votesCounts),
        votersCount: poll.votersCount,
        expiresAt: poll.expiresAt,
      });
      return true;
    });
  }

  /**
   * `accountId` votes in the poll of `postId` (or of the post a boost boosts): the post must be
   * visible to the voter, and Mastodon's VoteValidator rules hold (see checkVote). Returns the
   * poll as the voter now sees it. A repeated vote is refused and changes nothing.
   */
  async vote(accountId: string, postId: string, choices: number[]): Promise<PollView> {
    if (!UUID_PATTERN.test(postId)) throw new ContentException(ContentErrorCode.PostNotFound, 'No such post');
    let post = await this.posts.findVisible(postId.toLowerCase(), accountId);
    if (post?.boostOfId) post = await this.posts.findVisible(post.boostOfId, accountId);
    if (!post) throw new ContentException(ContentErrorCode.PostNotFound, 'No such post');
    await this.castVote(localActor(accountId), post, choices);
    return (await this.pollsForPosts([post.id], accountId)).get(post.id)!;
  }

  /**
   * The one write path of a vote (ADR 0024), local or remote: under the poll's lock, the rules
   * (checkVote: throws), the vote rows (a remote vote records its Note's id, `actor.activityUri`:
   * a redelivery counts once), the tallies and `PollVoted`. Callers check the post is visible to
   * the voter.
   */
  async castVote(
    actor: Actor,
    post: Pick<PostEntity, 'id' | 'local'>,
    choices: number[],
  ): Promise<'counted' | 'redelivered'> {
    const now = new Date();
    const uri = activityUriOf(actor, 'a poll vote');
    const outcome = await this.polls.transaction(async (manager) => {
      const locked = await this.polls.lockByPostId(manager, post.id);
      if (!locked) throw new ContentException(ContentErrorCode.PollNotFound, 'That post has no poll');
      const previous = await this.polls.choicesOf(manager, locked.id, actor.accountId);
      checkVote(locked, actor.accountId, previous, choices, now);
      const sorted = [...choices].sort((a, b) => a - b);
      const voteIds = await this.polls.insertVotes(
        manager,
        sorted.map((choice) => ({ id: uuidv7(), pollId: locked.id, accountId: actor.accountId, choice, uri })),
      );
      if (voteIds.length === 0) return 'redelivered' as const;
      await this.polls.addTallies(manager, locked.id, sorted, previous.length === 0);
      await this.events.publish(manager, DomainEvent.PollVoted, {
        pollId: locked.id,
        postId: locked.postId,
        postAuthorId: locked.accountId,
        accountId: actor.accountId,
        voteIds,
        accountLocal: actor.kind === 'local',
        postLocal: post.local,
        hideTotals: locked.hideTotals,
      });
      return 'counted' as const;
    });
    this.logger.log({
      msg: 'poll vote',
      postId: post.id,
      accountId: actor.accountId,
      local: actor.kind === 'local',
      outcome,
    });
    return outcome;
  }

  /**
   * A poll by its own id (Mastodon's `/api/v1/polls/:id`) as `viewerId` sees it (null: anonymous);
   * null when there is none or its post is not visible to the viewer.
   */
  async findVisible(pollId: string, viewerId: string | null): Promise<PollView | null> {
    const poll = UUID_PATTERN.test(pollId) ? await this.polls.findById(pollId.toLowerCase()) : null;
    if (!poll || !(await this.posts.findVisible(poll.postId, viewerId))) return null;
    return (await this.pollsForPosts([poll.postId], viewerId)).get(poll.postId) ?? null;
  }

  /** `vote` by the poll's own id (Mastodon's `POST /api/v1/polls/:id/votes`); POLL_NOT_FOUND if none. */
  async voteByPollId(accountId: string, pollId: string, choices: number[]): Promise<PollView> {
    const poll = UUID_PATTERN.test(pollId) ? await this.polls.findById(pollId.toLowerCase()) : null;
    if (!poll) throw new ContentException(ContentErrorCode.PollNotFound, 'No such poll');
    return this.vote(accountId, poll.postId, choices);
  }

  /**
   * A remote actor's vote (a `Note` named after an option, replying to a local poll; `actor`
   * carries the Note's id), translated for `castVote`: the option by its title, the rules' refusals
   * as outcomes (the inbox logs them).
   */
  async recordRemoteVote(
    actor: RemoteActor,
    post: Pick<PostEntity, 'id' | 'local'>,
    optionTitle: string,
  ): Promise<RemoteVoteOutcome> {
    const poll = await this.polls.findByPostIds([post.id]);
    const choice = poll[0]?.options.indexOf(optionTitle) ?? -1;
    if (choice < 0) return 'refused';
    try {
      return await this.castVote(actor, post, [choice]);
    } catch (error) {
      if (!(error instanceof ContentException)) throw error;
      return error.reason === ContentErrorCode.PollExpired ? 'expired' : 'refused';
    }
  }

  /**
   * The polls of `postIds` as `viewerId` sees them (null: anonymous), by post id; posts without a
   * poll are absent. Two queries whatever the number of posts. Callers show only posts the viewer
   * may see (this does not check visibility).
   */
  async pollsForPosts(postIds: string[], viewerId: string | null): Promise<Map<string, PollView>> {
    const polls = await this.polls.findByPostIds([...new Set(postIds)]);
    const choices = viewerId
      ? await this.polls.choicesByPoll(
          polls.map((poll) => poll.id),
          viewerId,
        )
      : null;
    const now = new Date();
    return new Map(
      polls.map((poll: PollEntity) => [
        poll.postId,
        toPollView(
          poll,
          viewerId && choices ? { accountId: viewerId, choices: choices.get(poll.id) ?? [] } : null,
          now,
        ),
      ]),
    );
  }

  /**
   * Processes up to `limit` polls that ended: each is marked closed and, unless its post is gone,
   * `PollExpired` goes out (Mastodon's PollExpirationNotifyWorker: its local voters and local author
   * are notified; a local poll's final tallies go to its audience). Returns how many it closed.
   */
  async closeExpired(now = new Date(), limit = 100): Promise<number> {
    const closed = await this.polls.transaction(async (manager) => {
      const due = await this.polls.lockDue(manager, now, limit);
      for (const poll of due) {
        await this.polls.markClosed(manager, poll.id, now);
        if (poll.deleted) continue;
        await this.events.publish(manager, DomainEvent.PollExpired, {
          pollId: poll.id,
          postId: poll.postId,
          authorId: poll.accountId,
          postLocal: poll.local,
          localVoterIds: await this.polls.localVoterIds(manager, poll.id),
        });
      }
      return due.length;
    });
    if (closed > 0) this.logger.log({ msg: 'polls closed', count: closed });
    return closed;
  }

  /** Votes to deliver, by id (federation: a local voter's votes on a remote poll). */
  votesForDelivery(voteIds: string[]): Promise<VoteForDelivery[]> {
    return this.polls.votesForDelivery(voteIds);
  }

  /** Who voted in the poll of `postId` (federation: remote voters hear of new tallies). */
  voterIds(postId: string): Promise<string[]> {
    return this.polls.voterIds(postId);
  }
}

const sum = (values: number[]) =>
  Math.min(
    values.reduce((total, value) => total + value, 0),
    2 ** 31 - 1,
  );

/** A remote poll within bounds, with tallies that are counts; null when it cannot be stored. */
function acceptableRemote(data: RemotePollData): RemotePollData | null {
  const options = data.options;
  if (options.length < 1 || options.length > REMOTE_POLL_LIMITS.maxOptions) return null;
  if (options.some((option) => option.length === 0 || option.length > REMOTE_POLL_LIMITS.maxCharactersPerOption)) {
    return null;
  }
  const count = (value: number | null | undefined) =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? Math.min(value, 2 ** 31 - 1) : 0;
  return {
    ...data,
    votesCounts: options.map((_, index) => count(data.votesCounts[index])),
    votersCount: data.votersCount === null ? null : count(data.votersCount),
  };
}
