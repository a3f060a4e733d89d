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

/**
 * Mastodon's client API (ADR 0026): a second adapter over the same domain as GraphQL. Its
 * controllers call the libs' exported services, visibility rule and events; this module only
 * parses Mastodon's parameters and renders Mastodon's entities.
 */
@Module({
  imports: [ContentModule, SocialModule, ModerationModule],
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
  ],
  exports: [AccountSerializer, StatusSerializer, PushKeys, MastodonLoaders],
})
export class MastodonApiModule {}
