import { Module } from '@nestjs/common';
import { ContentModule } from '@guildhall/content';
import { CoopModule } from '@guildhall/coop';
import { ModerationModule } from '@guildhall/federation';
import { BrowserSessions } from '../pages/oauth/browser-session';
import { AccountsController } from './console/moderation/accounts.controller';
import { DomainsController } from './console/moderation/domains.controller';
import { ReportsController } from './console/moderation/reports.controller';
import { ConsoleController } from './console/console.controller';
import { ConsoleMembersController } from './console/members.controller';
import { ConsoleMoneyController } from './console/money.controller';
import { GovernanceController } from './governance/governance.controller';
import { CapitalController } from './console/periods/capital.controller';
import { PayoutsController } from './console/periods/payouts.controller';
import { PeriodsController } from './console/periods/periods.controller';
import { HomeController } from './home/home.controller';
import { TransparencyPagesController } from './transparency/transparency-pages.controller';
import { SettingsExportController } from './settings/settings-export.controller';
import { SettingsProfileController } from './settings/settings-profile.controller';
import { SettingsSecurityController } from './settings/settings-security.controller';
import { MembershipController } from './membership/membership.controller';
import { OwnershipController } from './ownership/ownership.controller';
import { WebApp } from './web-app';
import { WebAssetsController } from './web-assets.controller';

/**
 * The members' web app (ADR 0035): server-rendered pages at `/` for members and stewards —
 * home, ownership, governance, transparency, the stewards' console and settings. Controllers
 * take a WebApp context, call the feature libs' operations and render templates; no rules here.
 */
@Module({
  imports: [ContentModule, CoopModule, ModerationModule],
  controllers: [
    WebAssetsController,
    HomeController,
    AccountsController,
    DomainsController,
    ReportsController,
    ConsoleController,
    ConsoleMembersController,
    ConsoleMoneyController,
    GovernanceController,
    CapitalController,
    PayoutsController,
    PeriodsController,
    TransparencyPagesController,
    SettingsExportController,
    SettingsProfileController,
    SettingsSecurityController,
    MembershipController,
    OwnershipController,
  ],
  providers: [WebApp, BrowserSessions],
})
export class WebModule {}
