import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import type { AuthContext } from '@guildhall/identity';
import { DomainBlockCache } from './domain-block.cache';
import type { DomainBlockEntity } from './domain-block.entity';
import { DomainBlockRepository } from './domain-block.repository';
import { blockCandidates, normalizeDomain } from './domain-name';
import { DomainPurgeService } from './domain-purge.service';
import { ModerationErrorCode, ModerationException } from './moderation.exception';

/**
 * Domain blocks reject and purge: once blocked, a server's requests answer 403 and nothing is
 * fetched from or delivered to it (DomainBlockCache; other processes pick the block up within
 * 30 s), and what was stored from it is removed in the background (DomainPurgeService).
 */
@Injectable()
export class DomainBlockService {
  private readonly logger = new Logger(DomainBlockService.name);
  private readonly ownHost: string;

  constructor(
    config: ConfigService,
    private readonly blocks: DomainBlockRepository,
    private readonly purges: DomainPurgeService,
    private readonly cache: DomainBlockCache,
  ) {
    this.ownHost = new URL(config.values.publicOrigin).host;
  }

  list(): Promise<DomainBlockEntity[]> {
    return this.blocks.findAll();
  }

  /**
   * Blocks `domain` and its subdomains at once, and enqueues the purge of their accounts with
   * everything of theirs. Blocking again purges again (anything stored meanwhile by a process that
   * had not reloaded yet, or after a failed purge) and keeps the first reason.
   */
  async block(moderator: AuthContext, domain: string, reason: string | null): Promise<DomainBlockEntity> {
    const normalized = this.validDomain(domain);
    if (blockCandidates(this.ownHost).includes(normalized)) {
      throw new ModerationException(ModerationErrorCode.OwnDomain, 'A block cannot cover this server itself');
    }
    const block = await this.blocks.insertAndRequestPurge({
      domain: normalized,
      reason: reason?.trim() || null,
      createdById: moderator.accountId,
    });
    await this.cache.reload();
    this.logger.log({
      msg: 'domain blocked',
      domain: normalized,
      moderatorId: moderator.accountId,
      run: block.purgeRun,
    });
    // Should this fail, the block stands and a worker's start (or blocking again) enqueues the purge.
    await this.purges.enqueue(block);
    return block;
  }

  /** True when the domain was blocked. What the block purged stays gone. */
  async unblock(moderator: AuthContext, domain: string): Promise<boolean> {
    const normalized = this.validDomain(domain);
    const removed = await this.blocks.delete(normalized);
    await this.cache.reload();
    if (removed) this.logger.log({ msg: 'domain unblocked', domain: normalized, moderatorId: moderator.accountId });
    return removed;
  }

  private validDomain(domain: string): string {
    const normalized = normalizeDomain(domain);
    if (!normalized) {
      throw new ModerationException(
        ModerationErrorCode.InvalidDomain,
        'domain must be a host name, with a port if any',
      );
    }
    return normalized;
  }
}
