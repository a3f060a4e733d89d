import { Create, Note } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import type { PollExpiredEvent, PollVotedEvent } from '@guildhall/core';
import { PollService } from '@guildhall/content';
import { localActorUri } from '../objects/activity-object.mapper';
import { ActivityIds } from './activity-ids';
import { OutboundAudienceRepository } from './outbound-audience.repository';
import { OutboundDelivery, type OutboundResult, skipped } from './outbound-delivery';
import { PostActivities } from './post-activities.service';

/**
 * Votes as activities, as Mastodon sends them: a local voter's vote on a remote poll is a Create
 * of a Note named after the option, replying to the Question, addressed to its author alone (one
 * per option chosen; ActivityPub::VoteSerializer); a local poll's new tallies are an Update of
 * its Question.
 */
@Injectable()
export class PollActivities {
  constructor(
    private readonly delivery: OutboundDelivery,
    private readonly audience: OutboundAudienceRepository,
    private readonly polls: PollService,
    private readonly posts: PostActivities,
  ) {}

  private get origin(): string {
    return this.delivery.origin;
  }

  async voted(event: PollVotedEvent, at: number): Promise<OutboundResult> {
    if (event.postLocal) {
      return this.posts.questionUpdated(event.postId, at, await this.polls.voterIds(event.postId));
    }
    if (!event.accountLocal) return skipped('a remote vote on a remote poll');
    return this.votes(event);
  }

  /** A local poll's end (Mastodon's PollExpirationNotifyWorker distributes the closed poll). */
  async expired(event: PollExpiredEvent, at: number): Promise<OutboundResult> {
    if (!event.postLocal) return skipped('a remote poll');
    return this.posts.questionUpdated(event.postId, at, await this.polls.voterIds(event.postId));
  }

  private async votes(event: PollVotedEvent): Promise<OutboundResult> {
    const voter = await this.audience.account(event.accountId);
    const post = await this.audience.post(event.postId);
    if (!voter || voter.domain !== null || !post || post.local || !post.uri || post.deletedAt) {
      return skipped('not a remote poll we can reach');
    }
    const [author] = await this.audience.remoteAccounts([post.accountId]);
    if (!author) return skipped('not a remote poll we can reach');
    const votes = (await this.polls.votesForDelivery(event.voteIds)).filter((vote) => vote.accountId === voter.id);
    if (votes.length === 0) return skipped('votes gone');
    const actor = localActorUri(this.origin, voter.username);
    const to = new URL(author.uri);
    let recipients = 0;
    for (const vote of votes) {
      const create = new Create({
        id: ActivityIds.voteActivity(this.origin, voter.username, vote.id),
        actor,
        to,
        object: new Note({
          id: ActivityIds.vote(this.origin, voter.username, vote.id),
          attribution: actor,
          name: vote.optionTitle,
          replyTarget: new URL(post.uri),
          to,
        }),
      });
      const result = await this.delivery.send(voter.username, [author], create, { shared: false });
      if ('skipped' in result) return result;
      recipients = Math.max(recipients, result.recipients);
    }
    return { sent: ActivityIds.vote(this.origin, voter.username, votes[0].id).href, type: 'Create', recipients };
  }
}
