import type { InboxContext } from '@fedify/fedify';
import { Move } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { FollowService } from '@guildhall/social';
import type { InboxHandler } from '../inbox-handler';
import { InboxSupport } from '../inbox-support';
import { RemoteActorService } from '../../remote/remote-actor.service';

/**
 * `Move` of the sender (object) to another actor (target): followed only when the target, fetched
 * fresh, names the sender in `alsoKnownAs`. Local followers then follow the target instead.
 */
@Injectable()
export class MoveHandler implements InboxHandler<Move> {
  readonly type = Move;

  constructor(
    private readonly inbox: InboxSupport,
    private readonly remote: RemoteActorService,
    private readonly follows: FollowService,
  ) {}

  async handle(_ctx: InboxContext<void>, move: Move): Promise<void> {
    const from = await this.inbox.sender(move);
    if (!from) return;
    if (move.objectId?.href !== from.uri) return void this.inbox.refuse(move, 'an actor can only move itself');
    const targetId = move.targetId;
    if (!targetId || targetId.origin === this.inbox.origin) return void this.inbox.refuse(move, 'no remote target');
    const to = await this.remote.resolveUri(targetId.href, { refresh: true });
    if (!to || to.id === from.id || to.suspendedAt) return void this.inbox.refuse(move, 'target unknown or suspended');
    if (!to.alsoKnownAs.includes(from.uri)) {
      return void this.inbox.refuse(move, 'target does not name the sender in alsoKnownAs', { target: to.uri });
    }
    const result = await this.follows.moveFollowers(from, to);
    this.inbox.done(move, 'account moved', { from: from.id, to: to.id, ...result });
  }
}
