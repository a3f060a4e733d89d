import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AccountEntity } from '@guildhall/identity';
import { DataSource, type EntityManager } from 'typeorm';

/** The profile columns of `accounts` that a member edits. */
export type ProfilePatch = Partial<
  Pick<
    AccountEntity,
    | 'displayName'
    | 'bioSource'
    | 'bio'
    | 'avatarMediaId'
    | 'headerMediaId'
    | 'fields'
    | 'manuallyApprovesFollowers'
    | 'discoverable'
  >
>;

@Injectable()
export class ProfileRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findLocalAccount(id: string): Promise<AccountEntity | null> {
    return this.dataSource
      .getRepository(AccountEntity)
      .createQueryBuilder('a')
      .where('a.id = :id', { id })
      .andWhere('a.domain IS NULL')
      .getOne();
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** One UPDATE: the whole patch lands or none of it does. */
  async update(id: string, patch: ProfilePatch, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.getRepository(AccountEntity).update({ id }, patch);
  }
}
