import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { DomainBlockEntity, DomainPurgeStatus } from './domain-block.entity';
import type { PurgeResult } from './domain-purge.repository';

export type RemovedBlock = Pick<DomainBlockEntity, 'reason' | 'accountsPurged' | 'postsPurged'>;

interface DomainBlockRow {
  reason: string | null;
  accounts_purged: number;
  posts_purged: number;
}

@Injectable()
export class DomainBlockRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  allDomains(): Promise<string[]> {
    return this.dataSource
      .getRepository(DomainBlockEntity)
      .find({ select: { domain: true } })
      .then((rows) => rows.map((row) => row.domain));
  }

  findAll(): Promise<DomainBlockEntity[]> {
    return this.dataSource.getRepository(DomainBlockEntity).find({ order: { domain: 'ASC' } });
  }

  /** Blocks whose purge has not finished: a worker that starts enqueues them again. */
  findUnfinishedPurges(): Promise<DomainBlockEntity[]> {
    return this.dataSource.getRepository(DomainBlockEntity).findBy({
      purgeStatus: In([DomainPurgeStatus.Pending, DomainPurgeStatus.Running]),
    });
  }

  /**
   * Inserts the block unless it exists (the first reason and moderator stay) and asks for a purge:
   * a new run, pending, unless the current run is still pending (its job has not started and will
   * see everything). The block as stored.
   */
  async insertAndRequestPurge(
    manager: EntityManager,
    block: Pick<DomainBlockEntity, 'domain' | 'reason' | 'createdById'>,
  ): Promise<DomainBlockEntity> {
    await manager.query(
      `INSERT INTO domain_blocks (domain, reason, created_by_id) VALUES ($1, $2, $3)
       ON CONFLICT (domain) DO UPDATE SET
         purge_run = domain_blocks.purge_run + CASE WHEN domain_blocks.purge_status = 'pending' THEN 0 ELSE 1 END,
         purge_status = 'pending', purge_started_at = NULL, purge_finished_at = NULL`,
      [block.domain, block.reason, block.createdById],
    );
    return manager.getRepository(DomainBlockEntity).findOneByOrFail({ domain: block.domain });
  }

  /**
   * Locks the block for one purge batch, if it still exists with this run: an unblock or a new
   * run waits for the batch, and the batch after it sees them and stops.
   */
  async lockPurgeRun(manager: EntityManager, domain: string, run: number): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      'SELECT 1 FROM domain_blocks WHERE domain = $1 AND purge_run = $2 FOR NO KEY UPDATE',
      [domain, run],
    );
    return rows.length > 0;
  }

  async recordPurged(manager: EntityManager, domain: string, purged: PurgeResult): Promise<void> {
    await manager.query(
      `UPDATE domain_blocks SET purge_status = 'running', purge_started_at = coalesce(purge_started_at, now()),
         accounts_purged = accounts_purged + $2, posts_purged = posts_purged + $3
       WHERE domain = $1`,
      [domain, purged.accounts, purged.posts],
    );
  }

  async finishPurge(manager: EntityManager, domain: string): Promise<void> {
    await manager.query(
      `UPDATE domain_blocks SET purge_status = 'done', purge_started_at = coalesce(purge_started_at, now()),
         purge_finished_at = now()
       WHERE domain = $1`,
      [domain],
    );
  }

  /** After the last attempt failed; a later run is left alone. */
  async failPurge(domain: string, run: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE domain_blocks SET purge_status = 'failed', purge_finished_at = now()
       WHERE domain = $1 AND purge_run = $2 AND purge_status IN ('pending', 'running')`,
      [domain, run],
    );
  }

  findOne(domain: string): Promise<DomainBlockEntity | null> {
    return this.dataSource.getRepository(DomainBlockEntity).findOneBy({ domain });
  }

  /** What the block had purged, when it existed; null when there was no block. */
  async delete(manager: EntityManager, domain: string): Promise<RemovedBlock | null> {
    // A DELETE … RETURNING answers [rows, affected count].
    const [[row]] = await manager.query<[DomainBlockRow[], number]>(
      'DELETE FROM domain_blocks WHERE domain = $1 RETURNING reason, accounts_purged, posts_purged',
      [domain],
    );
    return row ? { reason: row.reason, accountsPurged: row.accounts_purged, postsPurged: row.posts_purged } : null;
  }
}
