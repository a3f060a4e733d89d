import { Injectable } from '@nestjs/common';
import { uuidv7, UUID_PATTERN } from '@guildhall/core';
import { SocialErrorCode, SocialException } from '../social.exception';
import { ListEntity, ListRepliesPolicy } from './list.entity';
import { ListRepository, type ListMember, type ListMembersPage } from './list.repository';

/** Mastodon's limit of lists per account. */
export const MAX_LISTS_PER_ACCOUNT = 50;
const MAX_TITLE_LENGTH = 256;
/** Accounts added or removed by one call. */
const MAX_ACCOUNTS_PER_CHANGE = 100;

export interface ListChanges {
  title?: string;
  repliesPolicy?: string;
  exclusive?: boolean;
}

/**
 * Lists: private, owned by one account, holding accounts it follows. Every read and change
 * checks the owner: someone else's list reads as not found.
 */
@Injectable()
export class ListService {
  constructor(private readonly lists: ListRepository) {}

  findOwned(ownerId: string): Promise<ListEntity[]> {
    return this.lists.findOwned(ownerId);
  }

  /** The owner's list; LIST_NOT_FOUND for anyone else's or a malformed id. */
  async get(ownerId: string, id: string): Promise<ListEntity> {
    const list = UUID_PATTERN.test(id) ? await this.lists.findById(id.toLowerCase()) : null;
    if (!list || list.accountId !== ownerId)
      throw new SocialException(SocialErrorCode.ListNotFound, 'Record not found');
    return list;
  }

  async create(ownerId: string, input: ListChanges): Promise<ListEntity> {
    const title = this.title(input.title);
    const repliesPolicy = this.policy(input.repliesPolicy) ?? ListRepliesPolicy.List;
    const list = { id: uuidv7(), accountId: ownerId, title, repliesPolicy, exclusive: input.exclusive ?? false };
    await this.lists.transaction(async (manager) => {
      // One creation per owner at a time, so the limit holds under concurrent requests.
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`lists:${ownerId}`]);
      if ((await this.lists.countOwned(manager, ownerId)) >= MAX_LISTS_PER_ACCOUNT) {
        throw new SocialException(
          SocialErrorCode.TooManyLists,
          `You cannot have more than ${MAX_LISTS_PER_ACCOUNT} lists`,
        );
      }
      await this.lists.insert(manager, list);
    });
    return this.get(ownerId, list.id);
  }

  async update(ownerId: string, id: string, input: ListChanges): Promise<ListEntity> {
    const list = await this.get(ownerId, id);
    const changes: Partial<Pick<ListEntity, 'title' | 'repliesPolicy' | 'exclusive'>> = {};
    if (input.title !== undefined) changes.title = this.title(input.title);
    const repliesPolicy = this.policy(input.repliesPolicy);
    if (repliesPolicy) changes.repliesPolicy = repliesPolicy;
    if (input.exclusive !== undefined) changes.exclusive = input.exclusive;
    await this.lists.update(list.id, changes);
    return this.get(ownerId, list.id);
  }

  async delete(ownerId: string, id: string): Promise<void> {
    const list = await this.get(ownerId, id);
    await this.lists.delete(list.id);
  }

  async members(ownerId: string, id: string, page: ListMembersPage): Promise<ListMember[]> {
    const list = await this.get(ownerId, id);
    return this.lists.members(list.id, page);
  }

  /**
   * Adds accounts the owner follows (or has asked to follow), all or none: an account not
   * followed, or already on the list, refuses the whole call.
   */
  async addMembers(ownerId: string, id: string, accountIds: string[]): Promise<void> {
    const ids = this.accountIds(accountIds);
    const { id: listId } = await this.get(ownerId, id);
    await this.lists.transaction(async (manager) => {
      if (!(await this.lists.lock(manager, listId))) {
        throw new SocialException(SocialErrorCode.ListNotFound, 'Record not found');
      }
      const follows = await this.lists.followsOf(manager, ownerId, ids);
      if (ids.some((accountId) => !follows.has(accountId))) {
        throw new SocialException(SocialErrorCode.NotFollowed, 'You must follow an account to add it to a list', {
          accountIds: ids.filter((accountId) => !follows.has(accountId)),
        });
      }
      if ((await this.lists.membersAmong(manager, listId, ids)).length) {
        throw new SocialException(SocialErrorCode.AlreadyOnList, 'Account has already been taken');
      }
      await this.lists.addMembers(
        manager,
        ids.map((accountId) => ({ id: uuidv7(), listId, accountId, followId: follows.get(accountId)! })),
      );
    });
  }

  async removeMembers(ownerId: string, id: string, accountIds: string[]): Promise<void> {
    const ids = this.accountIds(accountIds);
    const list = await this.get(ownerId, id);
    await this.lists.removeMembers(list.id, ids);
  }

  /** The owner's lists that hold the account. */
  containing(ownerId: string, accountId: string): Promise<ListEntity[]> {
    if (!UUID_PATTERN.test(accountId)) return Promise.resolve([]);
    return this.lists.findContaining(ownerId, accountId.toLowerCase());
  }

  private title(value: string | undefined): string {
    const title = value?.trim() ?? '';
    if (!title) throw new SocialException(SocialErrorCode.InvalidList, "Validation failed: Title can't be blank");
    if (title.length > MAX_TITLE_LENGTH) {
      throw new SocialException(
        SocialErrorCode.InvalidList,
        `Validation failed: Title is too long (maximum is ${MAX_TITLE_LENGTH} characters)`,
      );
    }
    return title;
  }

  private policy(value: string | undefined): ListRepliesPolicy | undefined {
    if (value === undefined) return undefined;
    const policy = Object.values(ListRepliesPolicy).find((known) => known === (value as ListRepliesPolicy));
    if (!policy) {
      throw new SocialException(
        SocialErrorCode.InvalidList,
        `Validation failed: Replies policy must be one of ${Object.values(ListRepliesPolicy).join(', ')}`,
      );
    }
    return policy;
  }

  private accountIds(accountIds: string[]): string[] {
    const ids = [...new Set(accountIds.map((id) => id.toLowerCase()))];
    if (!ids.length)
      throw new SocialException(SocialErrorCode.InvalidList, 'account_ids must name at least one account');
    if (ids.length > MAX_ACCOUNTS_PER_CHANGE) {
      throw new SocialException(SocialErrorCode.InvalidList, `At most ${MAX_ACCOUNTS_PER_CHANGE} accounts at a time`);
    }
    const malformed = ids.find((id) => !UUID_PATTERN.test(id));
    if (malformed) throw new SocialException(SocialErrorCode.AccountNotFound, 'Record not found');
    return ids;
  }
}
