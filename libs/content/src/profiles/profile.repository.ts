import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AccountEntity, AccountStateRepository, type AccountProfilePatch } from '@guildhall/identity';
import { DataSource, type EntityManager } from 'typeorm';

/** The profile columns of `accounts` that a member edits (identity's, written through its repository). */
export type ProfilePatch = AccountProfilePatch;

@Injectable()
export class ProfileRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accountState: AccountStateRepository,
  ) {}

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
  update(id: string, patch: ProfilePatch, manager: EntityManager = this.dataSource.manager): Promise<void> {
    return this.accountState.updateProfile(id, patch, manager);
  }
}
