import { Accept, Block, Follow, PUBLIC_COLLECTION, Reject, Undo, Update } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import type { BlockEvent, FollowEvent, ProfileUpdatedEvent } from '@guildhall/core';
import { AccountRepository } from '@guildhall/identity';
import { actorUrls, toPerson } from '../actors/actor.mapper';
import { FederationService } from '../federation.service';
import { localActorUri, toFollow } from '../objects/activity-object.mapper';
import { ActivityIds } from './activity-ids';
import { type ActorRow, OutboundAudienceRepository, type RemoteRecipientRow } from './outbound-audience.repository';
import { OutboundDelivery, type OutboundResult, skipped } from './outbound-delivery';

type LocalAndRemote = { local: ActorRow; remote: RemoteRecipientRow };

/**
 * The social graph as activities: a local account's Follow of a remote one and its Undo; its
 * Accept or Reject of a remote request; Block and its Undo; Update(Person) to followers.
 */
@Injectable()
export class AccountActivities {
  constructor(
    private readonly delivery: OutboundDelivery,
    private readonly audience: OutboundAudienceRepository,
    private readonly accounts: AccountRepository,
    private readonly federation: FederationService,
  ) {}

  private get origin(): string {
    return this.delivery.origin;
  }

  /** The local account and the remote one an activity is between; null unless exactly that. */
  private async pair(localId: string, remoteId: string): Promise<LocalAndRemote | null> {
    const local = await this.audience.account(localId);
    const [remote] = await this.audience.remoteAccounts([remoteId]);
    if (!local || local.domain !== null || local.suspendedAt || !remote) return null;
    return { local, remote };
  }

  private follow(event: FollowEvent, pair: LocalAndRemote): Follow {
    return toFollow(this.origin, event.followId, pair.local.username, pair.remote.uri);
  }

  async followRequested(event: FollowEvent): Promise<OutboundResult> {
    const pair = await this.pair(event.followerId, event.followeeId);
    if (!pair) return skipped('not a local follow of a remote account');
    if (!(await this.audience.followExists(event.followId))) return skipped('follow already withdrawn');
    return this.delivery.send(pair.local.username, [pair.remote], this.follow(event, pair), { shared: false });
  }

  async unfollowed(event: FollowEvent): Promise<OutboundResult> {
    const pair = await this.pair(event.followerId, event.followeeId);
    if (!pair) return skipped('not a local follow of a remote account');
    const undo = new Undo({
      id: ActivityIds.undoFollow(this.origin, event.followId),
      actor: localActorUri(this.origin, pair.local.username),
      object: this.follow(event, pair),
      to: new URL(pair.remote.uri),
    });
    return this.delivery.send(pair.local.username, [pair.remote], undo, { shared: false });
  }

  /**
   * Accept or Reject of a remote account's Follow, embedding it with its original id (FEDERATION.md:
   * Mastodon matches the answer to its Follow by that id).
   */
  async answered(event: FollowEvent, answer: 'accept' | 'reject', at: number): Promise<OutboundResult> {
    const pair = await this.pair(event.followeeId, event.followerId);
    if (!pair) return skipped('not a remote follow of a local account');
    const followUri = event.uri ?? (await this.audience.followUri(event.followId));
    const actor = localActorUri(this.origin, pair.local.username);
    const follow = new Follow({
      id: followUri ? new URL(followUri) : null,
      actor: new URL(pair.remote.uri),
      object: actor,
    });
    const values = { actor, object: follow, to: new URL(pair.remote.uri) };
    const activity =
      answer === 'accept'
        ? new Accept({ ...values, id: ActivityIds.accept(this.origin, pair.local.username, event.followId, at) })
        : new Reject({ ...values, id: ActivityIds.reject(this.origin, pair.local.username, event.followId, at) });
    return this.delivery.send(pair.local.username, [pair.remote], activity, { shared: false });
  }

  private block(event: BlockEvent, pair: LocalAndRemote, at: number): Block {
    const blockId = event.blockId ?? `${event.targetId}.${at}`;
    return new Block({
      id: ActivityIds.block(this.origin, pair.local.username, blockId),
      actor: localActorUri(this.origin, pair.local.username),
      object: new URL(pair.remote.uri),
      to: new URL(pair.remote.uri),
    });
  }

  async blocked(event: BlockEvent, at: number): Promise<OutboundResult> {
    const pair = await this.pair(event.accountId, event.targetId);
    if (!pair) return skipped('not a local block of a remote account');
    return this.delivery.send(pair.local.username, [pair.remote], this.block(event, pair, at), { shared: false });
  }

  async unblocked(event: BlockEvent, at: number): Promise<OutboundResult> {
    const pair = await this.pair(event.accountId, event.targetId);
    if (!pair) return skipped('not a local block of a remote account');
    const block = this.block(event, pair, at);
    const undo = new Undo({
      id: ActivityIds.undoBlock(this.origin, pair.local.username, event.blockId ?? `${event.targetId}.${at}`),
      actor: block.actorId,
      object: block,
      to: new URL(pair.remote.uri),
    });
    return this.delivery.send(pair.local.username, [pair.remote], undo, { shared: false });
  }

  /** The profile as it is now, to the followers (Mastodon refreshes its copy from it). */
  async profileUpdated(event: ProfileUpdatedEvent, at: number): Promise<OutboundResult> {
    const account = await this.accounts.findById(event.accountId);
    if (!account || account.domain !== null || account.suspendedAt) return skipped('not a local account');
    const ctx = this.federation.federation.createContext(new URL(this.origin), undefined);
    const person = toPerson(ctx, account, await ctx.getActorKeyPairs(account.username));
    const update = new Update({
      id: ActivityIds.updateActor(this.origin, account.username, at),
      actor: person.id,
      object: person,
      to: PUBLIC_COLLECTION,
      cc: actorUrls(this.origin, account.username).followers,
    });
    const followers = await this.audience.remoteFollowerInboxes(account.id);
    return this.delivery.send(account.username, followers, update, { shared: true });
  }
}
