import { Body, Get, Param } from '@nestjs/common';
import { PollService } from '@guildhall/content';
import { type AuthContext, CurrentAuth, Public, scopeAllows } from '@guildhall/identity';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { MastodonException } from '../http/mastodon.exception';
import { arrayParam } from '../http/params';
import { Scope } from '../http/scopes.decorator';
import type { MastodonPoll } from '../serializers/mastodon-entities';
import { toMastodonPoll } from '../serializers/poll.serializer';

/** Option indexes as Mastodon reads them: whole numbers, sent as text by forms. */
const CHOICE = /^\d{1,3}$/;

/**
 * Polls by their own id, as Mastodon's PollsController and Polls::VotesController: reading needs
 * the poll's post to be visible to the reader (anonymous readers too) (the visibility rule, as every read); a vote goes
 * through the same PollService.vote as GraphQL's `votePoll`. Rule violations are 422, a poll the
 * reader may not see 404.
 */
@MastodonController('api')
export class PollsController {
  constructor(private readonly polls: PollService) {}

  /**
   * Readable without a token (Mastodon's `authorize_if_got_token!`): a public or unlisted poll
   * then, the visibility rule deciding; a token given must hold `read:statuses`.
   */
  @Get('v1/polls/:id')
  @Public()
  async show(@CurrentAuth() auth: AuthContext | undefined, @Param('id') id: string): Promise<MastodonPoll> {
    if (auth && !scopeAllows(auth.scopes, 'read:statuses')) {
      throw MastodonException.forbidden('This action is outside the authorized scopes');
    }
    const poll = await this.polls.findVisible(id, auth?.accountId ?? null);
    if (!poll) throw MastodonException.notFound();
    return toMastodonPoll(poll);
  }

  /** `choices[]`: the option indexes (0-based). */
  @MastodonPost('v1/polls/:id/votes')
  @Scope('write:statuses')
  async vote(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: Record<string, unknown> | undefined,
  ): Promise<MastodonPoll> {
    const given = arrayParam(body, 'choices');
    if (given.length === 0) throw MastodonException.unprocessable('choices must name at least one option');
    if (!given.every((choice) => CHOICE.test(choice))) {
      throw MastodonException.unprocessable('choices must be option indexes');
    }
    return toMastodonPoll(await this.polls.voteByPollId(auth.accountId, id, given.map(Number)));
  }
}
