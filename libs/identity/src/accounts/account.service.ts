import { Injectable, Logger } from '@nestjs/common';
import { ConfigService, normalizeHost } from '@guildhall/core';
import { PasswordService } from '../auth/password.service';
import { IdentityErrorCode, IdentityException } from '../identity.exception';
import { RESERVED_USERNAMES, Role, USERNAME_PATTERN } from '../identity.constants';
import type { AccountEntity } from './account.entity';
import { toAccountModel } from './account.mapper';
import type { AccountModel } from './account.model';
import { RemoteAccountResolvers } from './remote-account.resolver';
import { AccountRepository } from './account.repository';
import type { UserEntity } from './user.entity';

export interface CreateLocalAccountInput {
  username: string;
  email: string;
  password: string;
  displayName?: string | null;
  role?: Role;
}

/** Parses "alice" or "alice@host" (a leading "@" is allowed). */
export function parseHandle(handle: string): { username: string; domain: string | null } | null {
  const match = /^@?([^@\s]+)(?:@([^@\s]+))?$/.exec(handle.trim());
  if (!match) return null;
  return { username: match[1].toLowerCase(), domain: match[2]?.toLowerCase() ?? null };
}

@Injectable()
export class AccountService {
  private readonly logger = new Logger(AccountService.name);

  constructor(
    private readonly accounts: AccountRepository,
    private readonly passwords: PasswordService,
    private readonly config: ConfigService,
    private readonly remote: RemoteAccountResolvers,
  ) {}

  /** Creates a local account; shared by signUp and `guildhall accounts create`. */
  async createLocal(input: CreateLocalAccountInput): Promise<{ account: AccountEntity; user: UserEntity }> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME_PATTERN.test(username)) {
      throw new IdentityException(
        IdentityErrorCode.InvalidUsername,
        'Usernames are 1 to 30 characters: a-z, 0-9 and underscore',
      );
    }
    if (RESERVED_USERNAMES.has(username)) {
      throw new IdentityException(IdentityErrorCode.UsernameTaken, 'That username is taken');
    }
    const passwordHash = await this.passwords.hash(input.password);
    const result = await this.accounts.createLocal({
      username,
      email: input.email.trim().toLowerCase(),
      passwordHash,
      displayName: input.displayName?.trim() || null,
      role: input.role ?? Role.Member,
    });
    if ('conflict' in result) {
      throw result.conflict === 'username'
        ? new IdentityException(IdentityErrorCode.UsernameTaken, 'That username is taken')
        : new IdentityException(IdentityErrorCode.EmailTaken, 'That email address is already registered');
    }
    this.logger.log({ msg: 'account created', accountId: result.account.id, role: result.user.role });
    return result;
  }

  /**
   * The account behind "alice" or "alice@host" (the host normalized: `BOB@Host.example.` is
   * `bob@host.example`). A remote handle not known here is looked up over WebFinger when
   * federation is running (`resolveRemote`, the default; counted by RemoteLookupLimiter); null
   * when none exists. A host that is not a host[:port] is INVALID_HANDLE when it would be looked up.
   */
  async findByHandle(handle: string, options: { resolveRemote?: boolean } = {}): Promise<AccountEntity | null> {
    const parsed = parseHandle(handle);
    if (!parsed) return null;
    const host = parsed.domain === null ? null : normalizeHost(parsed.domain);
    if (parsed.domain !== null && host === null) {
      if (options.resolveRemote === false) return null;
      throw new IdentityException(
        IdentityErrorCode.InvalidHandle,
        'A handle is user@host, the host a domain name or address with an optional port',
        { handle: handle.slice(0, 300) },
      );
    }
    const localHost = normalizeHost(new URL(this.config.values.publicOrigin).host);
    const domain = host === localHost ? null : host;
    const known = await this.accounts.findByUsername(parsed.username, domain);
    if (known || domain === null || options.resolveRemote === false) return known;
    return this.remote.resolveHandle({ username: parsed.username, domain });
  }

  /**
   * The remote account whose actor id is `uri`; fetched over federation (counted by
   * RemoteLookupLimiter, through the guarded outbound client) when not known and `resolveRemote`.
   */
  async findByActorUri(uri: string, options: { resolveRemote?: boolean } = {}): Promise<AccountEntity | null> {
    const known = await this.accounts.findByUri(uri);
    if (known || options.resolveRemote === false || !/^https?:\/\//i.test(uri)) return known;
    return this.remote.resolveUri(uri);
  }

  findById(id: string): Promise<AccountEntity | null> {
    return this.accounts.findById(id);
  }

  /** The accounts among `ids` that exist, in no particular order (one query). */
  findByIds(ids: string[]): Promise<AccountEntity[]> {
    return this.accounts.findByIds(ids);
  }

  toModel(account: AccountEntity): AccountModel {
    return toAccountModel(account, this.config.values.publicOrigin);
  }
}
