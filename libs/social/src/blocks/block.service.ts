import { Injectable } from '@nestjs/common';
import { DomainEvent, DomainEventBus, uuidv7 } from '@guildhall/core';
import { activityUriOf, localActor, type AccountEntity, type Actor } from '@guildhall/identity';
import { SocialErrorCode, SocialException } from '../social.exception';
import { AccountDirectory } from '../follows/account-directory.service';
import { FollowRateLimit } from '../follows/follow-rate-limit.service';
import type { FollowParty } from '../follows/follow.service';
import { FollowRepository } from '../follows/follow.repository';
import { BlockRepository } from './block.repository';
import type { IdPage } from '../paging/id-page';
import type { BlockEntity } from './block.entity';
import type { MuteEntity } from './mute.entity';
import { MuteRepository } from './mute.repository';

/** A timed mute lasts at most this long (ten years; longer is "for good", duration 0). */
export const MAX_MUTE_SECONDS = 10 * 365 * 86_400;

export interface MuteOptions {
  /** 0 or absent: for good. */
  durationSeconds?: number;
  /** Silence the target's notifications too (default true). */
  notifications?: boolean;
}

/**
 * Blocks and mutes. Each boolean result says whether the call changed anything. `addBlock` and
 * `removeBlock` are the one write path of a block for every actor (ADR 0024): a local account
 * through GraphQL or the REST API, a remote one through the inbox (its Block is recorded by id,
 * for the Undo; the local account is not told, as Mastodon does not tell either).
 */
@Injectable()
export class BlockService {
  constructor(
    private readonly blocks: BlockRepository,
    private readonly mutes: MuteRepository,
    private readonly follows: FollowRepository,
    private readonly directory: AccountDirectory,
    private readonly rateLimit: FollowRateLimit,
    private readonly events: DomainEventBus,
  ) {}

  async block(accountId: string, handle: string): Promise<boolean> {
    const target = await this.directory.resolve(handle);
    if (target.id === accountId)
      throw new SocialException(SocialErrorCode.CannotBlockSelf, 'You cannot block yourself');
    await this.rateLimit.consume(accountId);
    return this.addBlock(localActor(accountId), target);
  }

  async unblock(accountId: string, handle: string): Promise<boolean> {
    const target = await this.directory.resolve(handle);
    return this.removeBlock(localActor(accountId), target);
  }

  /**
   * `actor` blocks `target` and, in the same transaction, every follow and request between the
   * two in either direction ends. The Blocked event implies those follows ended; none is sent apart.
   */
  async addBlock(actor: Actor, target: FollowParty): Promise<boolean> {
    const accountId = actor.accountId;
    if (target.id === accountId)
      throw new SocialException(SocialErrorCode.CannotBlockSelf, 'You cannot block yourself');
    const uri = activityUriOf(actor, 'block');
    const blockId = uuidv7();
    return this.follows.inPairTransaction(accountId, target.id, async (tx) => {
      const inserted = await this.blocks.insert(tx, { id: blockId, accountId, targetId: target.id, uri });
      await this.follows.severBetween(tx, accountId, target.id);
      if (inserted) {
        await this.events.publish(tx, DomainEvent.Blocked, {
          blockId,
          accountId,
          targetId: target.id,
          accountLocal: actor.kind === 'local',
          targetLocal: target.domain === null,
        });
      }
      return inserted;
    });
  }

  /** `actor` lifts its block of `target`; true when there was one. */
  async removeBlock(actor: Actor, target: FollowParty): Promise<boolean> {
    const accountId = actor.accountId;
    const blockId = await this.follows.inPairTransaction(accountId, target.id, async (tx) => {
      const removed = await this.blocks.delete(accountId, target.id, tx);
      if (removed) {
        await this.events.publish(tx, DomainEvent.Unblocked, {
          blockId: removed,
          accountId,
          targetId: target.id,
          accountLocal: actor.kind === 'local',
          targetLocal: target.domain === null,
        });
      }
      return removed;
    });
    return blockId !== null;
  }

  /** The account blocked by the block with this ActivityPub id (an Undo's object), if `accountId` made it. */
  async blockedByUri(uri: string, accountId: string): Promise<AccountEntity | null> {
    const found = await this.blocks.findByUri(uri, accountId);
    return found ? this.directory.byId(found.targetId) : null;
  }

  /**
   * Mutes `handle` — for good, or for `durationSeconds` (0: for good; the mute then lapses by
   * itself) — silencing its notifications too unless `notifications` is false. Muting again
   * changes both, as Mastodon's does. True when anything changed.
   */
  async mute(accountId: string, handle: string, options: MuteOptions = {}): Promise<boolean> {
    const duration = options.durationSeconds ?? 0;
    if (!Number.isInteger(duration) || duration < 0 || duration > MAX_MUTE_SECONDS) {
      throw new SocialException(
        SocialErrorCode.InvalidMuteDuration,
        `A mute's duration is a whole number of seconds from 0 (for good) to ${MAX_MUTE_SECONDS}`,
        { duration },
      );
    }
    const target = await this.directory.resolve(handle);
    if (target.id === accountId) throw new SocialException(SocialErrorCode.CannotMuteSelf, 'You cannot mute yourself');
    await this.rateLimit.consume(accountId);
    return this.mutes.upsert({
      id: uuidv7(),
      accountId,
      targetId: target.id,
      expiresAt: duration > 0 ? new Date(Date.now() + duration * 1000) : null,
      hideNotifications: options.notifications ?? true,
    });
  }

  async unmute(accountId: string, handle: string): Promise<boolean> {
    const target = await this.directory.resolve(handle);
    return this.mutes.delete(accountId, target.id);
  }

  /** The accounts `accountId` blocks, newest block first, each with `target` loaded. */
  blocked(accountId: string, page: IdPage): Promise<BlockEntity[]> {
    return this.blocks.page(accountId, page);
  }

  /** The accounts `accountId` mutes, newest mute first, each with `target` loaded. */
  muted(accountId: string, page: IdPage): Promise<MuteEntity[]> {
    return this.mutes.page(accountId, page);
  }
}
