import { Module } from '@nestjs/common';
import { ContentModule } from '@guildhall/content';
import { InstanceStatsRepository, ModerationModule } from '@guildhall/federation';
import { InstanceController } from './instance/instance.controller';
import { MemberDefaultsController } from './instance/member-defaults.controller';
import { MastodonLoaders } from './http/mastodon-request';
import { ScopeGuard } from './http/scope.guard';
import { AppsController } from './oauth/apps.controller';
import { OAuthTokenController } from './oauth/oauth-token.controller';
import { FiltersController } from './filters/filters.controller';
import { PushKeys } from './push/push-keys';
import { ReportsController } from './reports/reports.controller';
import { SearchController } from './search/search.controller';
import { AccountSerializer } from './serializers/account.serializer';
import { StatusSerializer } from './serializers/status.serializer';

/**
 * Mastodon's client API (ADR 0026): a second adapter over the same domain as GraphQL. Its
 * controllers call the libs' exported services, visibility rule and events; this module only
 * parses Mastodon's parameters and renders Mastodon's entities.
 */
@Module({
  imports: [
    // search, filters and reports
    ContentModule,
    ModerationModule,
  ],
  controllers: [
    OAuthTokenController,
    AppsController,
    InstanceController,
    MemberDefaultsController,
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
    // Reads only the DataSource; the federation module's own is not visible outside it.
    InstanceStatsRepository,
  ],
  exports: [AccountSerializer, StatusSerializer, PushKeys, MastodonLoaders],
})
export class MastodonApiModule {}
