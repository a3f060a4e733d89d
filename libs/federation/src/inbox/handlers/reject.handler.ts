import type { InboxContext } from '@fedify/fedify';
import { Reject } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { remoteActor } from '@guildhall/identity';
import { FollowService, FollowState } from '@guildhall/social';
import { followAnswered } from '../follow-reference';
import type { InboxHandler } from '../inbox-handler';
import { InboxSupport } from '../inbox-support';

/** `Reject` of a local account's Follow: a request is refused, an accepted follow ends (Mastodon). */
@Injectable()
export class RejectHandler implements InboxHandler<Reject> {
  readonly type = Reject;

  constructor(
    private readonly inbox: InboxSupport,
    private readonly follows: FollowService,
  ) {}

  async handle(_ctx: InboxContext<void>, reject: Reject): Promise<void> {
    const sender = await this.inbox.sender(reject);
    if (!sender) return;
    const ref = await followAnswered(reject, sender, this.inbox);
    if (!ref) return void this.inbox.refuse(reject, 'no Follow of ours is named');
    const pair = await this.follows.findByRef(ref);
    // A request is refused; an accepted follow ends, as Mastodon does when it removes a follower.
    const ended =
      pair && pair.followee.id === sender.id
        ? await this.follows.refuseFollower(remoteActor(sender.id, reject.id?.href ?? null), pair.follower, [
            FollowState.Pending,
            FollowState.Accepted,
          ])
        : null;
    if (!ended) return void this.inbox.refuse(reject, 'no follow of the sender by a local account');
    this.inbox.done(reject, 'follow rejected', { followeeId: sender.id });
  }
}
