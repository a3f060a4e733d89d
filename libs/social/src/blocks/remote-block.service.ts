import { Injectable } from '@nestjs/common';
import { DomainEvent, DomainEventBus, uuidv7 } from '@guildhall/core';
import { FollowRepository } from '../follows/follow.repository';
import { BlockRepository } from './block.repository';

/** A remote account blocks a local one (federation sends nothing for it). */
const REMOTE_BLOCKER = { accountLocal: false, targetLocal: true };

/** A block named by an Undo: by its ActivityPub id, or (embedded) by the account it blocked. */
export type BlockRef = { uri: string } | { targetId: string };

/**
 * Blocks made by remote accounts of local ones (`Block` and its `Undo`). As BlockService does for
 * a local block: in the pair's transaction, every follow and request between the two ends. The
 * local account is not told (Mastodon does not tell either); its posts stop reaching the blocker.
 */
@Injectable()
export class RemoteBlockService {
  constructor(
    private readonly blocks: BlockRepository,
    private readonly follows: FollowRepository,
    private readonly events: DomainEventBus,
  ) {}

  /** True when the block is new. */
  async block(accountId: string, targetId: string, uri: string): Promise<boolean> {
    const blockId = uuidv7();
    const blocked = await this.follows.inPairTransaction(accountId, targetId, async (tx) => {
      const inserted = await this.blocks.insertRemote(tx, { id: blockId, accountId, targetId, uri });
      await this.follows.severBetween(tx, accountId, targetId);
      if (inserted) {
        await this.events.publish(tx, DomainEvent.Blocked, { blockId, accountId, targetId, ...REMOTE_BLOCKER });
      }
      return inserted;
    });
    return blocked;
  }

  /** True when a block was removed. */
  async unblock(accountId: string, ref: BlockRef): Promise<boolean> {
    const targetId = 'uri' in ref ? (await this.blocks.findByUri(ref.uri, accountId))?.targetId : ref.targetId;
    if (!targetId) return false;
    const blockId = await this.follows.inPairTransaction(accountId, targetId, async (tx) => {
      const removed = await this.blocks.delete(accountId, targetId, tx);
      if (removed) {
        await this.events.publish(tx, DomainEvent.Unblocked, {
          blockId: removed,
          accountId,
          targetId,
          ...REMOTE_BLOCKER,
        });
      }
      return removed;
    });
    return blockId !== null;
  }
}
