import { createHash } from 'node:crypto';
import type { InboxContext } from '@fedify/fedify';
import { Accept, Follow, Reject } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { remoteActor } from '@guildhall/identity';
import { FollowService } from '@guildhall/social';
import type { InboxHandler } from '../inbox-handler';
import { InboxSupport } from '../inbox-support';

/**
 * `Follow` of a local account: recorded (pending when the account approves followers), answered
 * with an `Accept` that embeds the Follow with its original id, or a `Reject` across a block. A
 * repeated Follow of an accepted pair is accepted again (the sender may have lost our Accept).
 */
@Injectable()
export class FollowHandler implements InboxHandler<Follow> {
  readonly type = Follow;

  constructor(
    private readonly inbox: InboxSupport,
    private readonly follows: FollowService,
  ) {}

  async handle(ctx: InboxContext<void>, follow: Follow): Promise<void> {
    if (!follow.id) return void this.inbox.refuse(follow, 'a Follow needs an id');
    const follower = await this.inbox.sender(follow);
    if (!follower) return;
    const followee = await this.inbox.localAccount(follow.objectId);
    if (!followee) return void this.inbox.refuse(follow, 'object is not a local account');
    if (!follower.inboxUrl) return void this.inbox.refuse(follow, 'the follower has no inbox to answer');

    const { outcome } = await this.follows.startFollow(remoteActor(follower.id, follow.id.href), followee);
    this.inbox.done(follow, 'follow received', { followerId: follower.id, followeeId: followee.id, outcome });
    if (outcome === 'pending') return;

    const localActor = this.inbox.localActorUri(followee);
    // One answer id per Follow id: a redelivered Follow repeats the same answer, a new Follow gets a new one.
    const key = createHash('sha256').update(follow.id.href).digest('hex').slice(0, 32);
    const values = {
      actor: localActor,
      object: new Follow({ id: follow.id, actor: new URL(follower.uri!), object: localActor }),
    };
    const answer =
      outcome === 'accepted'
        ? new Accept({ id: new URL(`${localActor.href}#accepts/${key}`), ...values })
        : new Reject({ id: new URL(`${localActor.href}#rejects/${key}`), ...values });
    await ctx.sendActivity({ identifier: followee.username }, this.inbox.recipient(follower), answer, {
      preferSharedInbox: true,
    });
  }
}
