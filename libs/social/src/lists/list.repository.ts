import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RowMapper } from '@guildhall/core';
import { AccountEntity } from '@guildhall/identity';
import { DataSource, type EntityManager } from 'typeorm';
import { ListEntity, type ListRepliesPolicy } from './list.entity';

/** A page of a list's members, paged by the membership row's id (newest first). */
export interface ListMembersPage {
  maxId: string | null;
  sinceId: string | null;
  /** null: every member. */
  limit: number | null;
}

export interface ListMember {
  /** The membership row's id: what pages the members. */
  id: string;
  account: AccountEntity;
}

@Injectable()
export class ListRepository {
  private readonly accounts: RowMapper<AccountEntity>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.accounts = new RowMapper(dataSource, AccountEntity);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  findOwned(accountId: string): Promise<ListEntity[]> {
    return this.dataSource.getRepository(ListEntity).find({ where: { accountId }, order: { id: 'ASC' } });
  }

  findById(id: string): Promise<ListEntity | null> {
    return this.dataSource.getRepository(ListEntity).findOneBy({ id });
  }

  /** The list, locked until commit (its members change one request at a time); null when gone. */
  async lock(manager: EntityManager, id: string): Promise<ListEntity | null> {
    return manager
      .getRepository(ListEntity)
      .createQueryBuilder('l')
      .setLock('pessimistic_write')
      .where('l.id = :id', { id })
      .getOne();
  }

  countOwned(manager: EntityManager, accountId: string): Promise<number> {
    return manager.getRepository(ListEntity).countBy({ accountId });
  }

  async insert(manager: EntityManager, list: Omit<ListEntity, 'account' | 'createdAt'>): Promise<void> {
    await manager.getRepository(ListEntity).insert(list);
  }

  async update(
    id: string,
    changes: Partial<{ title: string; repliesPolicy: ListRepliesPolicy; exclusive: boolean }>,
  ): Promise<void> {
    if (Object.keys(changes).length) await this.dataSource.getRepository(ListEntity).update({ id }, changes);
  }

  async delete(id: string): Promise<void> {
    await this.dataSource.getRepository(ListEntity).delete({ id });
  }

  /** The lists of `ownerId` that hold `accountId`. */
  findContaining(ownerId: string, accountId: string): Promise<ListEntity[]> {
    return this.dataSource
      .getRepository(ListEntity)
      .createQueryBuilder('l')
      .innerJoin('list_accounts', 'la', 'la.list_id = l.id')
      .where('l.account_id = :ownerId AND la.account_id = :accountId', { ownerId, accountId })
      .orderBy('l.id', 'ASC')
      .getMany();
  }

  async members(listId: string, page: ListMembersPage): Promise<ListMember[]> {
    const where = ['la.list_id = $1'];
    const params: unknown[] = [listId];
    if (page.maxId) where.push(`la.id < $${params.push(page.maxId)}`);
    if (page.sinceId) where.push(`la.id > $${params.push(page.sinceId)}`);
    const limit = page.limit === null ? '' : `LIMIT $${params.push(page.limit)}`;
    const rows = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT la.id AS la_id, ${this.accounts.select('a', 'a_')}
       FROM list_accounts la JOIN accounts a ON a.id = la.account_id
       WHERE ${where.join(' AND ')} ORDER BY la.id DESC ${limit}`,
      params,
    );
    return rows.map((row) => ({ id: row.la_id as string, account: this.accounts.map(row, 'a_') }));
  }

  /**
   * The follow of `ownerId` (accepted or requested) for each of `accountIds` it has one for,
   * keyed by the followed account's id.
   */
  async followsOf(manager: EntityManager, ownerId: string, accountIds: string[]): Promise<Map<string, string>> {
    const rows = await manager.query<{ id: string; followee_id: string }[]>(
      `SELECT id, followee_id FROM follows
       WHERE follower_id = $1 AND followee_id = ANY($2::uuid[]) AND state IN ('accepted', 'pending')`,
      [ownerId, accountIds],
    );
    return new Map(rows.map((row) => [row.followee_id, row.id]));
  }

  /** Which of `accountIds` are on the list already. */
  async membersAmong(manager: EntityManager, listId: string, accountIds: string[]): Promise<string[]> {
    const rows = await manager.query<{ account_id: string }[]>(
      'SELECT account_id FROM list_accounts WHERE list_id = $1 AND account_id = ANY($2::uuid[])',
      [listId, accountIds],
    );
    return rows.map((row) => row.account_id);
  }

  async addMembers(
    manager: EntityManager,
    members: { id: string; listId: string; accountId: string; followId: string }[],
  ): Promise<void> {
    if (!members.length) return;
    await manager.query(
      `INSERT INTO list_accounts (id, list_id, account_id, follow_id)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[])`,
      [
        members.map((m) => m.id),
        members.map((m) => m.listId),
        members.map((m) => m.accountId),
        members.map((m) => m.followId),
      ],
    );
  }

  async removeMembers(listId: string, accountIds: string[]): Promise<void> {
    await this.dataSource.query('DELETE FROM list_accounts WHERE list_id = $1 AND account_id = ANY($2::uuid[])', [
      listId,
      accountIds,
    ]);
  }
}
