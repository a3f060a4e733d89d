import type { InboxContext } from '@fedify/fedify';
import { Block } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { remoteActor } from '@guildhall/identity';
import { BlockService } from '@guildhall/social';
import type { InboxHandler } from '../inbox-handler';
import { InboxSupport } from '../inbox-support';

/** `Block` of a local account: recorded, and every follow between the two ends. */
@Injectable()
export class BlockHandler implements InboxHandler<Block> {
  readonly type = Block;

  constructor(
    private readonly inbox: InboxSupport,
    private readonly blocks: BlockService,
  ) {}

  async handle(_ctx: InboxContext<void>, block: Block): Promise<void> {
    if (!block.id) return void this.inbox.refuse(block, 'a Block needs an id');
    const sender = await this.inbox.sender(block);
    if (!sender) return;
    const target = await this.inbox.localAccount(block.objectId);
    if (!target) return void this.inbox.refuse(block, 'object is not a local account');
    const blocked = await this.blocks.addBlock(remoteActor(sender.id, block.id.href), target);
    this.inbox.done(block, blocked ? 'blocked' : 'already blocked', { accountId: sender.id, targetId: target.id });
  }
}
