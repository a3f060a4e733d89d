import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { ConfigService, toConnection, type Connection, type RequestLoaders } from '@guildhall/core';
import {
  ACCOUNT_BY_ID,
  AccountModel,
  AuthService,
  CurrentAuth,
  toAccountModel,
  type AuthContext,
} from '@guildhall/identity';
import { PubSubEngine } from 'graphql-subscriptions';
import { pageComplexity } from '../follows/page-complexity';
import { NotificationsArgs } from './dto/notifications.args';
import {
  fromNotificationMessage,
  notificationChannel,
  toNotificationModel,
  type NotificationMessage,
} from './notification.mapper';
import { NotificationConnection, NotificationModel } from './notification.model';
import { NotificationInbox } from './notification-inbox.service';

interface SubscriptionContext {
  req: { user?: AuthContext };
}

/** Every operation here is the viewer's own (the global AuthGuard requires a token). */
@Resolver(() => NotificationModel)
export class NotificationResolver {
  constructor(
    private readonly service: NotificationInbox,
    private readonly pubSub: PubSubEngine,
    private readonly config: ConfigService,
    private readonly auth: AuthService,
  ) {}

  @Query(() => NotificationConnection, {
    description: 'Your notifications, newest first.',
    complexity: pageComplexity,
  })
  async notifications(
    @CurrentAuth() auth: AuthContext,
    @Args() args: NotificationsArgs,
  ): Promise<Connection<NotificationModel>> {
    return toConnection(await this.service.page(auth.accountId, args), toNotificationModel);
  }

  @Query(() => Int, { description: 'How many of your notifications are unread.' })
  unreadNotificationsCount(@CurrentAuth() auth: AuthContext): Promise<number> {
    return this.service.countUnread(auth.accountId);
  }

  @Mutation(() => Int, {
    description:
      'Marks your unread notifications read, up to and including `upTo` (all when omitted); returns how many.',
  })
  markNotificationsRead(
    @CurrentAuth() auth: AuthContext,
    @Args('upTo', { type: () => ID, nullable: true }) upTo?: string | null,
  ): Promise<number> {
    return this.service.markRead(auth.accountId, upTo ?? null);
  }

  @Mutation(() => Boolean, { description: 'Marks one of your notifications read.' })
  markNotificationRead(@CurrentAuth() auth: AuthContext, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.service.markOneRead(auth.accountId, id);
  }

  @Subscription(() => NotificationModel, {
    description: 'Your notifications as they are made (graphql-ws at /graphql).',
    // The channel is already the viewer's own; this keeps it so if channels ever change.
    filter: (message: NotificationMessage, _args: unknown, context: SubscriptionContext) =>
      message.accountId === context.req.user?.accountId,
    resolve: (message: NotificationMessage) => fromNotificationMessage(message),
  })
  notificationAdded(@CurrentAuth() auth: AuthContext): AsyncIterableIterator<NotificationMessage> {
    return this.whileSessionLives(
      auth,
      this.pubSub.asyncIterableIterator<NotificationMessage>(notificationChannel(auth.accountId)),
    );
  }

  /**
   * Ends the subscription at the first notification after its session ended (log out, log out
   * everywhere, expiry): a socket opened with a token must not outlive the token's session.
   */
  private async *whileSessionLives(
    auth: AuthContext,
    messages: AsyncIterableIterator<NotificationMessage>,
  ): AsyncIterableIterator<NotificationMessage> {
    for await (const message of messages) {
      try {
        await this.auth.authenticate({ sub: auth.accountId, sid: auth.sessionId });
      } catch {
        return; // leaving the loop unsubscribes from the channel
      }
      yield message;
    }
  }

  @ResolveField(() => AccountModel, { description: 'Who acted.' })
  async account(
    @Parent() notification: NotificationModel,
    @Context('loaders') loaders: RequestLoaders,
  ): Promise<AccountModel> {
    const account = await loaders.get(ACCOUNT_BY_ID).load(notification.fromAccountId);
    // Notifications cascade with their accounts, so a missing one is a bug, not a user error.
    if (!account) throw new Error(`account ${notification.fromAccountId} of notification ${notification.id} missing`);
    return toAccountModel(account, this.config.values.publicOrigin);
  }
}
