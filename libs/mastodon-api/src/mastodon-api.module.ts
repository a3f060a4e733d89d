import { Module } from '@nestjs/common';
import { SocialModule } from '@guildhall/social';
import { PubSubModule } from '@guildhall/core';
import { ContentModule } from '@guildhall/content';
import { InstanceStatsRepository } from '@guildhall/federation';
import { InstanceController } from './instance/instance.controller';
import { MemberDefaultsController } from './instance/member-defaults.controller';
import { MastodonLoaders } from './http/mastodon-request';
import { ScopeGuard } from './http/scope.guard';
import { AppsController } from './oauth/apps.controller';
import { OAuthTokenController } from './oauth/oauth-token.controller';
import { PushKeys } from './push/push-keys';
import { AccountSerializer } from './serializers/account.serializer';
import { StatusSerializer } from './serializers/status.serializer';
// Notifications, markers and streaming (mapi-notify).
import { MarkersController } from './markers/markers.controller';
import { GroupedNotificationsController } from './notifications/grouped-notifications.controller';
import { NotificationSerializer } from './notifications/notification.serializer';
import { NotificationsController } from './notifications/notifications.controller';
import { UnreadCount } from './notifications/unread-count';
import { StreamingController } from './streaming/streaming.controller';
import { StreamingGateway } from './streaming/streaming.gateway';
import { StreamingHub } from './streaming/streaming-hub';

/**
 * Mastodon's client API (ADR 0026): a second adapter over the same domain as GraphQL. Its
 * controllers call the libs' exported services, visibility rule and events; this module only
 * parses Mastodon's parameters and renders Mastodon's entities.
 */
@Module({
  imports: [
    // Notifications, markers and streaming (mapi-notify).
    SocialModule,
    ContentModule,
    PubSubModule,
  ],
  controllers: [
    OAuthTokenController,
    AppsController,
    InstanceController,
    MemberDefaultsController,
    // Notifications, markers and streaming (mapi-notify).
    NotificationsController,
    GroupedNotificationsController,
    MarkersController,
    StreamingController,
  ],
  providers: [
    ScopeGuard,
    MastodonLoaders,
    PushKeys,
    AccountSerializer,
    StatusSerializer,
    // Reads only the DataSource; the federation module's own is not visible outside it.
    InstanceStatsRepository,
    // Notifications, markers and streaming (mapi-notify).
    NotificationSerializer,
    UnreadCount,
    StreamingHub,
    StreamingGateway,
  ],
  exports: [AccountSerializer, StatusSerializer, PushKeys, MastodonLoaders],
})
export class MastodonApiModule {}
