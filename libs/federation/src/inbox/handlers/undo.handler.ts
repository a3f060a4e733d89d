import type { InboxContext } from '@fedify/fedify';
import { Activity, Announce, Block, Follow, Like, Undo } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import type { AccountEntity } from '@guildhall/identity';
import { RemoteEngagementService, RemotePostService } from '@guildhall/content';
import { RemoteBlockService, RemoteFollowService } from '@guildhall/social';
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
    private readonly follows: RemoteFollowService,
    private readonly blocks: RemoteBlockService,
    private readonly engagement: RemoteEngagementService,
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
    const undone =
      object instanceof Follow
        ? await this.undoFollow(sender, objectId.href, object)
        : object instanceof Like
          ? await this.undoLike(sender, objectId.href, object)
          : object instanceof Announce
            ? await this.undoAnnounce(sender, objectId.href, object)
            : object instanceof Block
              ? await this.undoBlock(sender, objectId.href, object)
              : await this.undoById(sender, objectId.href);
    if (!undone) return void this.inbox.refuse(undo, 'nothing of the sender has that id', { object: objectId.href });
    this.inbox.done(undo, `${undone} undone`, { accountId: sender.id, object: objectId.href });
  }

  /** A bare id: whichever of our rows recorded it. */
  private async undoById(sender: AccountEntity, uri: string): Promise<Undone | null> {
    if (await this.follows.undo(sender, { uri })) return 'follow';
    const kind = await this.engagement.kindOf(uri, sender.id);
    if (kind === 'like' && (await this.engagement.unlike(sender.id, { uri }))) return 'like';
    if (kind === 'boost' && (await this.engagement.unboost(sender.id, { uri }))) return 'boost';
    if (await this.blocks.unblock(sender.id, { uri })) return 'block';
    return null;
  }

  private async undoFollow(sender: AccountEntity, uri: string, follow: Follow): Promise<Undone | null> {
    if (await this.follows.undo(sender, { uri })) return 'follow';
    const followee = await this.inbox.localAccount(follow.objectId);
    if (followee && (await this.follows.undo(sender, { followerId: sender.id, followeeId: followee.id }))) {
      return 'follow';
    }
    return null;
  }

  private async undoLike(sender: AccountEntity, uri: string, like: Like): Promise<Undone | null> {
    if (await this.engagement.unlike(sender.id, { uri })) return 'like';
    const post = like.objectId ? await this.posts.findByReference(like.objectId.href) : null;
    return post && (await this.engagement.unlike(sender.id, { postId: post.id })) ? 'like' : null;
  }

  private async undoAnnounce(sender: AccountEntity, uri: string, announce: Announce): Promise<Undone | null> {
    if (await this.engagement.unboost(sender.id, { uri })) return 'boost';
    const post = announce.objectId ? await this.posts.findByReference(announce.objectId.href) : null;
    return post && (await this.engagement.unboost(sender.id, { postId: post.id })) ? 'boost' : null;
  }

  private async undoBlock(sender: AccountEntity, uri: string, block: Block): Promise<Undone | null> {
    if (await this.blocks.unblock(sender.id, { uri })) return 'block';
    const target = await this.inbox.localAccount(block.objectId);
    return target && (await this.blocks.unblock(sender.id, { targetId: target.id })) ? 'block' : null;
  }
}
