import { Injectable } from '@nestjs/common';
import { UUID_PATTERN } from '@guildhall/core';
import { type AccountEntity, AccountService } from '@guildhall/identity';
import { MastodonException } from '../http/mastodon.exception';

/** The handle the social lib's services take for an account: `user` here, `user@host` for a remote one. */
export function handleOf(account: Pick<AccountEntity, 'username' | 'domain'>): string {
  return account.domain === null ? account.username : `${account.username}@${account.domain}`;
}

/** Accounts by the ids Mastodon's clients send: 404 for what is not an id, unknown or suspended. */
@Injectable()
export class AccountLookup {
  constructor(private readonly accounts: AccountService) {}

  async byId(id: string): Promise<AccountEntity> {
    const account = UUID_PATTERN.test(id) ? await this.accounts.findById(id.toLowerCase()) : null;
    if (!account || account.suspendedAt) throw MastodonException.notFound();
    return account;
  }

  /** `alice` or `alice@host`, already known here (no lookup over the network); 404 otherwise. */
  async byAcct(acct: string): Promise<AccountEntity> {
    const account = await this.accounts.findByHandle(acct, { resolveRemote: false });
    if (!account || account.suspendedAt) throw MastodonException.notFound();
    return account;
  }
}
