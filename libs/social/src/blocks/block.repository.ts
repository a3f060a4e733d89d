import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { type IdPage, fetchIdPage } from '../paging/id-page';
import { BlockEntity } from './block.entity';

@Injectable()
export class BlockRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** True when the block is new; `uri` is a remote Block's ActivityPub id (null for a local block). */
  async insert(
    manager: EntityManager,
    block: Pick<BlockEntity, 'id' | 'accountId' | 'targetId'> & { uri: string | null },
  ): Promise<boolean> {
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO blocks (id, account_id, target_id, uri) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id`,
      [block.id, block.accountId, block.targetId, block.uri],
    );
    return inserted.length > 0;
  }

  /** The block with this ActivityPub id, if `accountId` made it. */
  async findByUri(uri: string, accountId: string): Promise<{ targetId: string } | null> {
    const found = await this.dataSource.query<{ target_id: string }[]>(
      'SELECT target_id FROM blocks WHERE uri = $1 AND account_id = $2',
      [uri, accountId],
    );
    return found[0] ? { targetId: found[0].target_id } : null;
  }

  /** The removed block's id, or null when there was none. */
  async delete(
    accountId: string,
    targetId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string | null> {
    const [removed] = await manager.query<[{ id: string }[], number]>(
      'DELETE FROM blocks WHERE account_id = $1 AND target_id = $2 RETURNING id',
      [accountId, targetId],
    );
    return removed[0]?.id ?? null;
  }

  /** Whether either account blocks the other; pass the manager to read inside a transaction. */
  async existsEitherWay(a: string, b: string, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const found = await manager.query<unknown[]>(
      `SELECT 1 FROM blocks
       WHERE (account_id = $1 AND target_id = $2) OR (account_id = $2 AND target_id = $1) LIMIT 1`,
      [a, b],
    );
    return found.length > 0;
  }

  /** The accounts `accountId` blocks, newest block first, each with its target (never a suspended one). */
  page(accountId: string, page: IdPage): Promise<BlockEntity[]> {
    const query = this.dataSource
      .getRepository(BlockEntity)
      .createQueryBuilder('b')
      .innerJoinAndSelect('b.target', 'a')
      .where('b.accountId = :accountId', { accountId })
      .andWhere('a.suspendedAt IS NULL');
    return fetchIdPage(query, 'b.id', page);
  }
}
