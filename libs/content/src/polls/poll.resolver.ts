import { Args, Context, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { type RequestLoaders } from '@guildhall/core';
import { CurrentAuth, type AuthContext } from '@guildhall/identity';
import { PostModel } from '../posts/post.model';
import { VotePollArgs } from './dto/vote-poll.args';
import { POLL_BY_POST_ID } from './poll.loaders';
import { PollModel } from './poll.model';
import type { PollView } from './poll-view';
import { PollService } from './poll.service';

const toPollModel = (view: PollView): PollModel => ({
  id: view.id,
  expiresAt: view.expiresAt,
  expired: view.expired,
  multiple: view.multiple,
  hideTotals: view.hideTotals,
  votesCount: view.votesCount,
  votersCount: view.votersCount,
  options: view.options.map((option) => ({ title: option.title, votesCount: option.votesCount })),
  voted: view.voted,
  ownVotes: view.ownVotes,
});

/** `Post.poll` and voting. */
@Resolver(() => PostModel)
export class PollResolver {
  constructor(private readonly polls: PollService) {}

  @ResolveField(() => PollModel, { nullable: true, description: 'The poll, if the post has one.' })
  async poll(@Parent() post: PostModel, @Context('loaders') loaders: RequestLoaders): Promise<PollModel | null> {
    const view = await loaders.get(POLL_BY_POST_ID).load(post.id);
    return view ? toPollModel(view) : null;
  }

  @Mutation(() => PollModel, {
    description:
      'Votes in a poll, by option index. One vote per poll (more options later on a multiple-choice ' +
      'poll, never the same twice); not in your own poll, not after it ends.',
  })
  async votePoll(@CurrentAuth() auth: AuthContext, @Args() args: VotePollArgs): Promise<PollModel> {
    return toPollModel(await this.polls.vote(auth.accountId, args.postId, args.choices));
  }
}
