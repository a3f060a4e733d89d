import { Injectable, type OnModuleInit } from '@nestjs/common';
import { LoaderFactories, LoaderKey } from '@guildhall/core';
import DataLoader from 'dataloader';
import { AccountEntity } from './account.entity';
import { AccountRepository } from './account.repository';

/** Accounts by id, batched per GraphQL request: every `author`, `follower`, `account` field uses it. */
export const ACCOUNT_BY_ID = new LoaderKey<AccountEntity | null>('accountById');

@Injectable()
export class AccountLoaderRegistrar implements OnModuleInit {
  constructor(
    private readonly loaders: LoaderFactories,
    private readonly accounts: AccountRepository,
  ) {}

  onModuleInit(): void {
    this.loaders.register(
      ACCOUNT_BY_ID,
      () =>
        new DataLoader<string, AccountEntity | null>(async (ids) => {
          const rows = await this.accounts.findByIds([...ids]);
          const byId = new Map(rows.map((row) => [row.id, row]));
          return ids.map((id) => byId.get(id) ?? null);
        }),
    );
  }
}
