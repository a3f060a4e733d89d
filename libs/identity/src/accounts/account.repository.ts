import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainEvent, DomainEventBus, preparedStatement, RowMapper } from '@guildhall/core';
import { DataSource, In, QueryFailedError } from 'typeorm';
import { Role, USERNAME_PATTERN } from '../identity.constants';
import { AccountEntity } from './account.entity';
import { UserEntity } from './user.entity';

export interface NewLocalAccount {
  username: string;
  email: string;
  passwordHash: string;
  displayName: string | null;
  role: Role;
}

/** What a fetched remote actor document tells us, as stored on its account row. */
export type RemoteAccountData = Pick<
  AccountEntity,
  | 'username'
  | 'domain'
  | 'uri'
  | 'url'
  | 'displayName'
  | 'bio'
  | 'avatarRemoteUrl'
  | 'headerRemoteUrl'
  | 'fields'
  | 'manuallyApprovesFollowers'
  | 'discoverable'
  | 'inboxUrl'
  | 'sharedInboxUrl'
  | 'followersUrl'
  | 'actorType'
  | 'alsoKnownAs'
> & { domain: string; uri: string };

export type UniqueViolation = 'username' | 'email';

/** Which of our unique constraints a failed insert hit, if any. */
function uniqueViolation(error: unknown): UniqueViolation | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const { code, constraint } = error.driverError as { code?: string; constraint?: string };
  if (code !== '23505') return undefined;
  if (constraint === 'accounts_local_username_uq') return 'username';
  if (constraint === 'users_email_uq') return 'email';
  return undefined;
}

@Injectable()
export class AccountRepository {
  private readonly rows: RowMapper<AccountEntity>;
  /** Accounts by a list of ids: every request's ACCOUNT_BY_ID batch (ADR 0068). */
  private readonly byIds: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEventBus,
  ) {
    this.rows = new RowMapper(dataSource, AccountEntity);
    // Named, with a generic plan: a bitmap scan of the primary key for the array, whatever its size.
    this.byIds = preparedStatement(`SELECT ${this.rows.select('a', '')} FROM accounts a WHERE a.id = ANY($1::uuid[])`, {
      constant: true,
    });
  }

  /** Inserts the account and its user in one transaction; a taken name or email is a value. */
  async createLocal(
    input: NewLocalAccount,
  ): Promise<{ account: AccountEntity; user: UserEntity } | { conflict: UniqueViolation }> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const account = await manager.save(
          manager.create(AccountEntity, { username: input.username, domain: null, displayName: input.displayName }),
        );
        const user = await manager.save(
          manager.create(UserEntity, {
            accountId: account.id,
            email: input.email,
            passwordHash: input.passwordHash,
            role: input.role,
          }),
        );
        // Staff hear of every new local account (Mastodon's `admin.sign_up`), from this transaction.
        await this.events.publish(manager, DomainEvent.AccountCreated, { accountId: account.id });
        return { account, user };
      });
    } catch (error) {
      const conflict = uniqueViolation(error);
      if (conflict) return { conflict };
      throw error;
    }
  }

  /**
   * The accounts of `ids` that exist, in no particular order: one prepared statement read through
   * RowMapper, as the timelines read authors (TypeORM's findBy path was 3% of a Mastodon home
   * page that had mentions).
   */
  async findByIds(ids: string[]): Promise<AccountEntity[]> {
    if (!ids.length) return [];
    const rows = await this.dataSource.query<Record<string, unknown>[]>(this.byIds, [ids]);
    return rows.map((row) => this.rows.map(row, ''));
  }

  /** Accounts by (username, domain) pairs, domain null for local; at most the pairs given. */
  async findByHandles(handles: { username: string; domain: string | null }[]): Promise<AccountEntity[]> {
    if (!handles.length) return [];
    const params: string[] = [];
    const pairs = handles.map((handle) => {
      params.push(handle.username, handle.domain ?? '');
      return `($${params.length - 1}, $${params.length})`;
    });
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM accounts WHERE (lower(username), coalesce(domain, '')) IN (${pairs.join(', ')})`,
      params,
    );
    return this.findByIds(rows.map((row) => row.id));
  }

  findById(id: string): Promise<AccountEntity | null> {
    return this.dataSource.getRepository(AccountEntity).findOneBy({ id });
  }

  findByUri(uri: string): Promise<AccountEntity | null> {
    return this.dataSource.getRepository(AccountEntity).findOneBy({ uri });
  }

  /** The accounts whose ActivityPub ids are among `uris` (one query; unknown ids are left out). */
  findByUris(uris: readonly string[]): Promise<AccountEntity[]> {
    if (!uris.length) return Promise.resolve([]);
    return this.dataSource.getRepository(AccountEntity).findBy({ uri: In([...uris]) });
  }

  /**
   * Inserts or refreshes a remote account by its ActivityPub id. If the id is new but the handle
   * belongs to an older id (the actor was re-created on its server), the handle moves to the new id.
   */
  async upsertRemote(data: RemoteAccountData): Promise<AccountEntity> {
    return this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(AccountEntity);
      const existing = await repo.findOneBy({ uri: data.uri });
      if (existing) {
        await repo.update({ id: existing.id }, { ...data, lastFetchedAt: new Date() });
        return repo.findOneByOrFail({ id: existing.id });
      }
      await repo
        .createQueryBuilder()
        .update()
        .set({ username: () => `username || '~' || left(md5(random()::text), 8)` })
        .where('username = :username AND domain = :domain', { username: data.username, domain: data.domain })
        .execute();
      const rows = await manager.query<{ id: string }[]>(
        `INSERT INTO accounts (username, domain, uri) VALUES ($1, $2, $3)
         ON CONFLICT (uri) DO UPDATE SET uri = EXCLUDED.uri RETURNING id`,
        [data.username, data.domain, data.uri],
      );
      await repo.update({ id: rows[0].id }, { ...data, lastFetchedAt: new Date() });
      return repo.findOneByOrFail({ id: rows[0].id });
    });
  }

  /**
   * A local account federation may serve: null for a name that cannot be a username (so it never
   * reaches the database) and for a suspended account (its actor, keys and collections are gone).
   */
  async findActiveLocal(username: string): Promise<AccountEntity | null> {
    if (!USERNAME_PATTERN.test(username)) return null;
    const account = await this.findByUsername(username, null);
    return account?.suspendedAt ? null : account;
  }

  findByUsername(username: string, domain: string | null): Promise<AccountEntity | null> {
    return this.dataSource
      .getRepository(AccountEntity)
      .createQueryBuilder('a')
      .where('a.username = :username', { username })
      .andWhere(domain === null ? 'a.domain IS NULL' : 'a.domain = :domain', { domain })
      .getOne();
  }

  /** The local user whose username or email is `login` (both stored lower-cased). */
  findUserByLogin(login: string): Promise<UserEntity | null> {
    return this.dataSource
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .innerJoinAndSelect('u.account', 'a')
      .where('u.email = :login', { login })
      .orWhere('(a.username = :login AND a.domain IS NULL)', { login })
      .getOne();
  }

  findUserById(id: string): Promise<UserEntity | null> {
    return this.dataSource.getRepository(UserEntity).findOne({ where: { id }, relations: { account: true } });
  }

  findUserByAccountId(accountId: string): Promise<UserEntity | null> {
    return this.dataSource.getRepository(UserEntity).findOneBy({ accountId });
  }

  /** The role of the local user behind an account; null for a remote account (no user). */
  /** The accounts of local moderators and admins that are not suspended. */
  async staffAccountIds(): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT u.account_id AS id FROM users u JOIN accounts a ON a.id = u.account_id
       WHERE u.role IN ($1, $2) AND a.suspended_at IS NULL ORDER BY u.account_id`,
      [Role.Moderator, Role.Admin],
    );
    return rows.map((row) => row.id);
  }

  async roleOf(accountId: string): Promise<Role | null> {
    const user = await this.dataSource
      .getRepository(UserEntity)
      .findOne({ where: { accountId }, select: { id: true, role: true } });
    return user?.role ?? null;
  }
}
