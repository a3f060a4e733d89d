import { Module } from '@nestjs/common';
import { ContentModule } from '@guildhall/content';
import { InstanceStatsRepository } from '@guildhall/federation';
import { SocialModule } from '@guildhall/social';
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
import { MastodonLoaders } from './http/mastodon-request';
import { ScopeGuard } from './http/scope.guard';
import { TagsController } from './tags/tags.controller';
import { AppsController } from './oauth/apps.controller';
import { OAuthTokenController } from './oauth/oauth-token.controller';
import { PushKeys } from './push/push-keys';
import { AccountSerializer } from './serializers/account.serializer';
import { StatusSerializer } from './serializers/status.serializer';

/**
 * Mastodon's client API (ADR 0026): a second adapter over the same domain as GraphQL. Its
 * controllers call the libs' exported services, visibility rule and events; this module only
 * parses Mastodon's parameters and renders Mastodon's entities.
 */
@Module({
  imports: [ContentModule, SocialModule],
  controllers: [
    OAuthTokenController,
    AppsController,
    InstanceController,
    MemberDefaultsController,
    MediaController,
    // Accounts (issue 11 item 3)
    CredentialsController,
    AccountsController,
    AccountActionsController,
    FollowRequestsController,
    BlocksController,
    ProfileImagesController,
    TagsController,
  ],
  providers: [
    ScopeGuard,
    MastodonLoaders,
    PushKeys,
    AccountSerializer,
    StatusSerializer,
    // Reads only the DataSource; the federation module's own is not visible outside it.
    InstanceStatsRepository,
    // Accounts (issue 11 item 3)
    AccountLookup,
    CredentialAccounts,
  ],
  exports: [AccountSerializer, StatusSerializer, PushKeys, MastodonLoaders],
})
export class MastodonApiModule {}
