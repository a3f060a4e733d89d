import type { InboxContext } from '@fedify/fedify';
import { Accept } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { RemoteFollowService } from '@guildhall/social';
import { followAnswered } from '../follow-reference';
import type { InboxHandler } from '../inbox-handler';
import { InboxSupport } from '../inbox-support';

/** `Accept` of a local account's Follow, by the account that was asked: the request is accepted. */
@Injectable()
export class AcceptHandler implements InboxHandler<Accept> {
  readonly type = Accept;

  constructor(
    private readonly inbox: InboxSupport,
    private readonly follows: RemoteFollowService,
  ) {}

  async handle(_ctx: InboxContext<void>, accept: Accept): Promise<void> {
    const sender = await this.inbox.sender(accept);
    if (!sender) return;
    const ref = await followAnswered(accept, sender, this.inbox);
    if (!ref) return void this.inbox.refuse(accept, 'no Follow of ours is named');
    const follow = await this.follows.accepted(sender, ref);
    if (!follow) return void this.inbox.refuse(accept, 'no follow of the sender by a local account');
    this.inbox.done(accept, 'follow accepted', { followId: follow.id, state: follow.state });
  }
}
