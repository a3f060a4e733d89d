import type { InboxContext } from '@fedify/fedify';
import { Accept } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { remoteActor } from '@guildhall/identity';
import { FollowService } from '@guildhall/social';
import { followAnswered } from '../follow-reference';
import type { InboxHandler } from '../inbox-handler';
import { InboxSupport } from '../inbox-support';

/** `Accept` of a local account's Follow, by the account that was asked: the request is accepted. */
@Injectable()
export class AcceptHandler implements InboxHandler<Accept> {
  readonly type = Accept;

  constructor(
    private readonly inbox: InboxSupport,
    private readonly follows: FollowService,
  ) {}

  async handle(_ctx: InboxContext<void>, accept: Accept): Promise<void> {
    const sender = await this.inbox.sender(accept);
    if (!sender) return;
    const ref = await followAnswered(accept, sender, this.inbox);
    if (!ref) return void this.inbox.refuse(accept, 'no Follow of ours is named');
    const pair = await this.follows.findByRef(ref);
    const follow =
      pair && pair.followee.id === sender.id
        ? await this.follows.acceptFollower(remoteActor(sender.id, accept.id?.href ?? null), pair.follower)
        : null;
    if (!follow) return void this.inbox.refuse(accept, 'no follow of the sender by a local account');
    this.inbox.done(accept, 'follow accepted', { followId: follow.id, state: follow.state });
  }
}
