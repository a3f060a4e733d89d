import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import type { Queue } from 'bullmq';
import type { DomainBlockEntity } from './domain-block.entity';
import { DomainBlockRepository } from './domain-block.repository';
import { DOMAIN_PURGE_JOB_OPTIONS, type DomainPurgePayload, domainPurgeJobId } from './domain-purge.job';
import { DomainPurgeRepository } from './domain-purge.repository';
import { DOMAIN_PURGE_QUEUE, ModerationJob } from './moderation.constants';

/** How a purge run ended: `stopped` when the domain was unblocked or blocked again meanwhile. */
export interface DomainPurgeOutcome {
  status: 'done' | 'stopped';
  accounts: number;
  posts: number;
}

/**
 * The purge of a blocked domain, in the worker, as Mastodon's DomainBlockWorker does it: the
 * block is in force from the moment it is stored (DomainBlockCache), so nothing new arrives while
 * the accounts already stored go, `purgeBatch` at a time, each batch in its own short transaction
 * that first locks the block (and stops if it is gone or superseded). A retried or re-run purge
 * carries on with what is left: purged rows are gone.
 */
@Injectable()
export class DomainPurgeService {
  private readonly logger = new Logger(DomainPurgeService.name);
  private readonly batchSize: number;

  constructor(
    config: ConfigService,
    private readonly blocks: DomainBlockRepository,
    private readonly purges: DomainPurgeRepository,
    @InjectQueue(DOMAIN_PURGE_QUEUE) private readonly queue: Queue<DomainPurgePayload>,
  ) {
    this.batchSize = config.values.federation.purgeBatch;
  }

  /** Enqueues the block's current run; the job id makes a repeated enqueue one job. */
  async enqueue(block: Pick<DomainBlockEntity, 'domain' | 'purgeRun'>): Promise<void> {
    const payload: DomainPurgePayload = { domain: block.domain, run: block.purgeRun };
    await this.queue.add(ModerationJob.PurgeDomain, payload, {
      ...DOMAIN_PURGE_JOB_OPTIONS,
      jobId: domainPurgeJobId(payload),
    });
  }

  /** Enqueues purges left pending or running (a crash between the block and its enqueue, a lost job). */
  async resumeUnfinished(): Promise<void> {
    for (const block of await this.blocks.findUnfinishedPurges()) await this.enqueue(block);
  }

  async run({ domain, run }: DomainPurgePayload): Promise<DomainPurgeOutcome> {
    const total = { accounts: 0, posts: 0 };
    // After a pass that removed nothing (another purge got there first), the next scan must find
    // fewer accounts, or the purge would loop.
    let stalledAt: number | null = null;
    for (;;) {
      const accountIds = await this.purges.coveredAccountIds(domain);
      if (!accountIds.length) {
        const done = await this.blocks.transaction(async (manager) => {
          if (!(await this.blocks.lockPurgeRun(manager, domain, run))) return false;
          await this.blocks.finishPurge(manager, domain);
          return true;
        });
        return this.ended(domain, run, done ? 'done' : 'stopped', total);
      }
      if (stalledAt !== null && accountIds.length >= stalledAt) {
        throw new Error(`purge of ${domain} is not making progress`);
      }
      let removed = 0;
      for (let start = 0; start < accountIds.length; start += this.batchSize) {
        const batch = accountIds.slice(start, start + this.batchSize);
        const purged = await this.blocks.transaction(async (manager) => {
          if (!(await this.blocks.lockPurgeRun(manager, domain, run))) return null;
          const result = await this.purges.purgeAccounts(manager, batch);
          await this.blocks.recordPurged(manager, domain, result);
          return result;
        });
        if (!purged) return this.ended(domain, run, 'stopped', total);
        total.accounts += purged.accounts;
        total.posts += purged.posts;
        removed += purged.accounts;
        this.logger.debug({ msg: 'domain purge batch', domain, run, ...purged });
      }
      stalledAt = removed ? null : accountIds.length;
    }
  }

  /** After the job's last attempt failed. */
  async fail({ domain, run }: DomainPurgePayload, error: Error): Promise<void> {
    await this.blocks.failPurge(domain, run);
    this.logger.error({ msg: 'domain purge failed', domain, run, error: error.message });
  }

  private ended(
    domain: string,
    run: number,
    status: DomainPurgeOutcome['status'],
    total: Omit<DomainPurgeOutcome, 'status'>,
  ): DomainPurgeOutcome {
    this.logger.log({ msg: `domain purge ${status}`, domain, run, ...total });
    return { status, ...total };
  }
}
