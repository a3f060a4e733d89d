import { Module } from '@nestjs/common';
import { ContentModule } from '@guildhall/content';
import { SocialModule } from '@guildhall/social';
import { InstanceStatsRepository, ModerationModule } from '@guildhall/federation';
import { AccountActionsController } from './accounts/account-actions.controller';
import { AccountLookup } from './accounts/account-lookup.service';
import { AccountsController } from './accounts/accounts.controller';
import { BlocksController } from './accounts/blocks.controller';
import { CredentialAccounts } from './accounts/credential-accounts.service';
import { CredentialsController } from './accounts/credentials.controller';
import { FollowRequestsController } from './accounts/follow-requests.controller';
import { ProfileImagesController } from './accounts/profile-images.controller';
import { PubSubModule } from '@guildhall/core';
import { InstanceController } from './instance/instance.controller';
import { MemberDefaultsController } from './instance/member-defaults.controller';
import { MediaController } from './media/media.controller';
import { ConversationsController } from './conversations/conversations.controller';
import { MastodonLoaders } from './http/mastodon-request';
import { ScopeGuard } from './http/scope.guard';
import { AccountListsController, ListsController } from './lists/lists.controller';
import { TagsController } from './tags/tags.controller';
import { AppsController } from './oauth/apps.controller';
import { OAuthTokenController } from './oauth/oauth-token.controller';
import { PollsController } from './polls/polls.controller';
import { FiltersController } from './filters/filters.controller';
import { PushKeys } from './push/push-keys';
import { ReportsController } from './reports/reports.controller';
import { SearchController } from './search/search.controller';
import { AccountSerializer } from './serializers/account.serializer';
import { ConversationSerializer } from './serializers/conversation.serializer';
import { StatusSerializer } from './serializers/status.serializer';
import { EngagedPostsController } from './timelines/engaged-posts.controller';
import { StatusPage } from './timelines/status-page';
import { TimelinesController } from './timelines/timelines.controller';
// Statuses (issue 11 item 4)
import { ScheduledStatusSerializer } from './serializers/scheduled-status.serializer';
import { ScheduledStatusesController } from './statuses/scheduled-statuses.controller';
import { StatusActionsController } from './statuses/status-actions.controller';
import { StatusesController } from './statuses/statuses.controller';
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
  imports: [ContentModule, SocialModule, ModerationModule, PubSubModule],
  controllers: [
    OAuthTokenController,
    AppsController,
    InstanceController,
    MemberDefaultsController,
    MediaController,
    PollsController,
    // timelines, lists, bookmarks, favourites, conversations
    TimelinesController,
    ListsController,
    AccountListsController,
    EngagedPostsController,
    ConversationsController,
    // Statuses
    StatusesController,
    StatusActionsController,
    ScheduledStatusesController,
    // Accounts (issue 11 item 3)
    CredentialsController,
    AccountsController,
    AccountActionsController,
    FollowRequestsController,
    BlocksController,
    ProfileImagesController,
    TagsController,
    // search, filters and reports
    SearchController,
    FiltersController,
    ReportsController,
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
    // timelines, lists, bookmarks, favourites, conversations
    StatusPage,
    ConversationSerializer,
    // Reads only the DataSource; the federation module's own is not visible outside it.
    InstanceStatsRepository,
    // Statuses
    ScheduledStatusSerializer,
    // Accounts (issue 11 item 3)
    AccountLookup,
    CredentialAccounts,
    // Notifications, markers and streaming (mapi-notify).
    NotificationSerializer,
    UnreadCount,
    StreamingHub,
    StreamingGateway,
  ],
  exports: [AccountSerializer, StatusSerializer, PushKeys, MastodonLoaders],
})
export class MastodonApiModule {}
