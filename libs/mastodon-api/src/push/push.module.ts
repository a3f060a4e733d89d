import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContentModule } from '@guildhall/content';
import { OutboundHttpModule } from '@guildhall/federation';
import { SocialModule } from '@guildhall/social';
import { ScopeGuard } from '../http/scope.guard';
import { AccountSerializer } from '../serializers/account.serializer';
import { MASTODON_PUSH_QUEUE } from './push.constants';
import { PushDeliveryProcessor } from './push-delivery.processor';
import { PushDelivery } from './push-delivery.service';
import { PushKeys } from './push-keys';
import { PushNotifier } from './push-notifier';
import { PushSubscriptionController } from './push-subscription.controller';
import { PushSubscriptionService } from './push-subscription.service';
import { PushTokenSeal } from './push-token-seal';
import { WebPushSubscriptionEntity } from './web-push-subscription.entity';
import { WebPushSubscriptionRepository } from './web-push-subscription.repository';

/** The push subscriptions table, for processes that only need the schema (the CLI's migrations). */
@Module({ imports: [TypeOrmModule.forFeature([WebPushSubscriptionEntity])], exports: [TypeOrmModule] })
export class PushStorageModule {}

export interface PushModuleOptions {
  /** Send the pushes (the queue's processor) in this process. */
  worker: boolean;
}

/**
 * Web Push for Mastodon apps: `/api/v1/push/subscription`, the outbox subscriber that enqueues a
 * delivery per subscription wanting a new notification, and (in workers) the processor that
 * sends it. Wired in apps/server and apps/worker, as the libs' processors are.
 */
@Module({})
export class PushModule {
  static forRoot({ worker }: PushModuleOptions): DynamicModule {
    return {
      module: PushModule,
      imports: [
        PushStorageModule,
        SocialModule,
        ContentModule,
        OutboundHttpModule,
        BullModule.registerQueue({ name: MASTODON_PUSH_QUEUE }),
      ],
      controllers: [PushSubscriptionController],
      providers: [
        ScopeGuard,
        PushKeys,
        PushTokenSeal,
        AccountSerializer,
        WebPushSubscriptionRepository,
        PushSubscriptionService,
        PushNotifier,
        ...(worker ? [PushDelivery, PushDeliveryProcessor] : []),
      ],
    };
  }
}
