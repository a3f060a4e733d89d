import { Injectable, Logger } from '@nestjs/common';
import { AuditLog, ConfigService } from '@guildhall/core';
import type { AuthContext } from '@guildhall/identity';
import { DomainBlockCache } from './domain-block.cache';
import type { DomainBlockEntity } from './domain-block.entity';
import { DomainBlockRepository } from './domain-block.repository';
import { blockCandidates, normalizeDomain } from './domain-name';
import { DomainPurgeRepository } from './domain-purge.repository';
import { DomainPurgeService } from './domain-purge.service';
import { ModerationErrorCode, ModerationException } from './moderation.exception';

/** What a block would remove, shown before it is confirmed. */
export interface DomainBlockPreview {
  domain: string;
  accounts: number;
  posts: number;
  blocked: boolean;
}

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
    private readonly covered: DomainPurgeRepository,
    private readonly audit: AuditLog,
  ) {
    this.ownHost = new URL(config.values.publicOrigin).host;
  }

  list(): Promise<DomainBlockEntity[]> {
    return this.blocks.findAll();
  }

  /** The block on `domain` (as a moderator types it), or null; refuses what is not a domain. */
  find(domain: string): Promise<DomainBlockEntity | null> {
    return this.blocks.findOne(this.validDomain(domain));
  }

  /**
   * What blocking `domain` would do, before a moderator confirms it: the domain as it would be
   * stored, the accounts it covers and their posts stored here now (all of which the purge
   * removes), and whether it is blocked already. Refuses what `block` would refuse.
   */
  async preview(domain: string): Promise<DomainBlockPreview> {
    const normalized = this.blockable(domain);
    const [counts, existing] = await Promise.all([
      this.covered.coveredCounts(normalized),
      this.blocks.findOne(normalized),
    ]);
    return { domain: normalized, accounts: counts.accounts, posts: counts.posts, blocked: existing !== null };
  }

  /**
   * Blocks `domain` and its subdomains at once, and enqueues the purge of their accounts with
   * everything of theirs. Blocking again purges again (anything stored meanwhile by a process that
   * had not reloaded yet, or after a failed purge) and keeps the first reason.
   */
  async block(moderator: AuthContext, domain: string, reason: string | null): Promise<DomainBlockEntity> {
    const normalized = this.blockable(domain);
    const block = await this.blocks.transaction(async (manager) => {
      const stored = await this.blocks.insertAndRequestPurge(manager, {
        domain: normalized,
        reason: reason?.trim() || null,
        createdById: moderator.accountId,
      });
      await this.audit.record(manager, {
        actorId: moderator.accountId,
        action: 'federation.block_domain',
        subject: normalized,
        details: { reason: stored.reason, purgeRun: stored.purgeRun },
      });
      return stored;
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
    const removed = await this.blocks.transaction(async (manager) => {
      const gone = await this.blocks.delete(manager, normalized);
      if (gone) {
        await this.audit.record(manager, {
          actorId: moderator.accountId,
          action: 'federation.unblock_domain',
          subject: normalized,
          details: { reason: gone.reason, accountsPurged: gone.accountsPurged, postsPurged: gone.postsPurged },
        });
      }
      return gone !== null;
    });
    await this.cache.reload();
    if (removed) this.logger.log({ msg: 'domain unblocked', domain: normalized, moderatorId: moderator.accountId });
    return removed;
  }

  /** A valid domain that does not cover this server. */
  private blockable(domain: string): string {
    const normalized = this.validDomain(domain);
    if (blockCandidates(this.ownHost).includes(normalized)) {
      throw new ModerationException(ModerationErrorCode.OwnDomain, 'A block cannot cover this server itself');
    }
    return normalized;
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
