import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type Repository } from 'typeorm';
import { type PushPolicy, WebPushSubscriptionEntity } from './web-push-subscription.entity';

export type NewWebPushSubscription = Omit<WebPushSubscriptionEntity, 'account' | 'createdAt' | 'updatedAt'>;

@Injectable()
export class WebPushSubscriptionRepository {
  private readonly repository: Repository<WebPushSubscriptionEntity>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.repository = dataSource.getRepository(WebPushSubscriptionEntity);
  }

  /** The session's subscription replaced by `row` (Mastodon: subscribing again starts afresh). */
  replace(row: NewWebPushSubscription): Promise<WebPushSubscriptionEntity> {
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(WebPushSubscriptionEntity);
      await repository.delete({ sessionId: row.sessionId });
      return repository.save(repository.create(row));
    });
  }

  findBySession(sessionId: string): Promise<WebPushSubscriptionEntity | null> {
    return this.repository.findOneBy({ sessionId });
  }

  findById(id: string): Promise<WebPushSubscriptionEntity | null> {
    return this.repository.findOneBy({ id });
  }

  /** The subscriptions of each of `accountIds` that has any, in one query. */
  async findByAccounts(accountIds: readonly string[]): Promise<Map<string, WebPushSubscriptionEntity[]>> {
    const byAccount = new Map<string, WebPushSubscriptionEntity[]>();
    if (!accountIds.length) return byAccount;
    for (const subscription of await this.repository.findBy({ accountId: In([...accountIds]) })) {
      byAccount.set(subscription.accountId, [...(byAccount.get(subscription.accountId) ?? []), subscription]);
    }
    return byAccount;
  }

  /** Sets the session's alerts and policy; null when it has no subscription. */
  async updateData(
    sessionId: string,
    data: { alerts: Record<string, boolean>; policy: PushPolicy },
  ): Promise<WebPushSubscriptionEntity | null> {
    const result = await this.repository.update({ sessionId }, data);
    return result.affected ? this.findBySession(sessionId) : null;
  }

  async deleteBySession(sessionId: string): Promise<void> {
    await this.repository.delete({ sessionId });
  }

  async deleteByIds(ids: readonly string[]): Promise<void> {
    if (ids.length) await this.repository.delete([...ids]);
  }
}
