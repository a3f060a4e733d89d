import { Injectable } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import {
  AccountService,
  AccountStateRepository,
  parseHandle,
  type AccountEntity,
  type AccountModel,
} from '@guildhall/identity';
import { SocialErrorCode, SocialException } from '../social.exception';

/** The social graph's door to identity's accounts: handles become accounts or a SocialException. */
@Injectable()
export class AccountDirectory {
  private readonly localHost: string;

  constructor(
    private readonly accounts: AccountService,
    private readonly accountState: AccountStateRepository,
    config: ConfigService,
  ) {
    this.localHost = new URL(config.values.publicOrigin).host;
  }

  /** The account behind "alice" or "alice@host"; remote accounts only when already known here. */
  async resolve(handle: string): Promise<AccountEntity> {
    const account = await this.accounts.findByHandle(handle);
    if (account) return account;
    const domain = parseHandle(handle)?.domain ?? null;
    if (domain !== null && domain !== this.localHost) {
      throw new SocialException(SocialErrorCode.RemoteLookupUnavailable, `${handle} is not known on this server yet`, {
        handle,
      });
    }
    throw new SocialException(SocialErrorCode.AccountNotFound, 'No account has that handle', { handle });
  }

  byId(id: string): Promise<AccountEntity | null> {
    return this.accounts.findById(id);
  }

  /** Records that a remote account moved (the one account-level fact the graph records); false when known. */
  markMoved(accountId: string, targetId: string): Promise<boolean> {
    return this.accountState.markMoved(accountId, targetId);
  }

  toModel(account: AccountEntity): AccountModel {
    return this.accounts.toModel(account);
  }
}
