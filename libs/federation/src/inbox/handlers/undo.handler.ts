import type { InboxContext } from '@fedify/fedify';
import { Activity, Announce, Block, Follow, Like, Undo } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { remoteActor, type AccountEntity, type RemoteActor } from '@guildhall/identity';
import { EngagementService, type PostEntity, RemotePostService } from '@guildhall/content';
import { BlockService, FollowService, type FollowRef } from '@guildhall/social';
import type { InboxHandler } from '../inbox-handler';
import { InboxSupport } from '../inbox-support';

type Undone = 'follow' | 'like' | 'boost' | 'block';

/**
 * `Undo` of a Follow, Like, Announce or Block, embedded or as a bare id. Matched first by the
 * undone activity's id (stored with the follow, like, boost or block it made), then, for an
 * embedded one, by what it named. Only the actor who made it can undo it.
 */
@Injectable()
export class UndoHandler implements InboxHandler<Undo> {
  readonly type = Undo;

  constructor(
    private readonly inbox: InboxSupport,
    private readonly follows: FollowService,
    private readonly blocks: BlockService,
    private readonly engagement: EngagementService,
    private readonly posts: RemotePostService,
  ) {}

  async handle(_ctx: InboxContext<void>, undo: Undo): Promise<void> {
    const sender = await this.inbox.sender(undo);
    if (!sender) return;
    const objectId = undo.objectId;
    if (!objectId) return void this.inbox.refuse(undo, 'nothing to undo');
    const object = await undo.getObject({ ...this.inbox.embeddedOnly(), crossOrigin: 'trust' });
    if (object instanceof Activity && object.actorId && object.actorId.href !== sender.uri) {
      return void this.inbox.refuse(undo, 'only its actor can undo an activity');
    }
    const actor = remoteActor(sender.id, undo.id?.href ?? null);
    const undone =
      object instanceof Follow
        ? await this.undoFollow(actor, objectId.href, object)
        : object instanceof Like
          ? await this.undoLike(actor, objectId.href, object)
          : object instanceof Announce
            ? await this.undoAnnounce(actor, objectId.href, object)
            : object instanceof Block
              ? await this.undoBlock(actor, objectId.href, object)
              : await this.undoById(actor, objectId.href);
    if (!undone) return void this.inbox.refuse(undo, 'nothing of the sender has that id', { object: objectId.href });
    this.inbox.done(undo, `${undone} undone`, { accountId: sender.id, object: objectId.href });
  }

  /** A bare id: whichever of our rows recorded it. */
  private async undoById(actor: RemoteActor, uri: string): Promise<Undone | null> {
    if (await this.endFollow(actor, { uri })) return 'follow';
    if (await this.unlike(actor, await this.engagement.engagedByUri('like', uri, actor.accountId))) return 'like';
    if (await this.unboost(actor, await this.engagement.engagedByUri('boost', uri, actor.accountId))) return 'boost';
    if (await this.unblock(actor, await this.blocks.blockedByUri(uri, actor.accountId))) return 'block';
    return null;
  }

  private async undoFollow(actor: RemoteActor, uri: string, follow: Follow): Promise<Undone | null> {
    if (await this.endFollow(actor, { uri })) return 'follow';
    const followee = await this.inbox.localAccount(follow.objectId);
    if (followee && (await this.endFollow(actor, { followerId: actor.accountId, followeeId: followee.id }))) {
      return 'follow';
    }
    return null;
  }

  private async undoLike(actor: RemoteActor, uri: string, like: Like): Promise<Undone | null> {
    if (await this.unlike(actor, await this.engagement.engagedByUri('like', uri, actor.accountId))) return 'like';
    const post = like.objectId ? await this.posts.findByReference(like.objectId.href) : null;
    return (await this.unlike(actor, post)) ? 'like' : null;
  }

  private async undoAnnounce(actor: RemoteActor, uri: string, announce: Announce): Promise<Undone | null> {
    if (await this.unboost(actor, await this.engagement.engagedByUri('boost', uri, actor.accountId))) return 'boost';
    const post = announce.objectId ? await this.posts.findByReference(announce.objectId.href) : null;
    return (await this.unboost(actor, post)) ? 'boost' : null;
  }

  private async undoBlock(actor: RemoteActor, uri: string, block: Block): Promise<Undone | null> {
    if (await this.unblock(actor, await this.blocks.blockedByUri(uri, actor.accountId))) return 'block';
    return (await this.unblock(actor, await this.inbox.localAccount(block.objectId))) ? 'block' : null;
  }

  /** Ends the sender's follow the reference names (only the follower can undo a follow). */
  private async endFollow(actor: RemoteActor, ref: FollowRef): Promise<boolean> {
    const pair = await this.follows.findByRef(ref);
    if (!pair || pair.follower.id !== actor.accountId) return false;
    return (await this.follows.endFollow(actor, pair.followee)) !== null;
  }

  private async unlike(actor: RemoteActor, post: PostEntity | null): Promise<boolean> {
    return post !== null && (await this.engagement.removeLike(actor, post)) === 'changed';
  }

  private async unboost(actor: RemoteActor, post: PostEntity | null): Promise<boolean> {
    return post !== null && (await this.engagement.removeBoost(actor, post)) === 'changed';
  }

  private async unblock(actor: RemoteActor, target: AccountEntity | null): Promise<boolean> {
    return target !== null && (await this.blocks.removeBlock(actor, target));
  }
}
