import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ContentModule } from '@guildhall/content';
import { SocialModule } from '@guildhall/social';
import { AccountSuspensionResolver } from './account-suspension.resolver';
import { AccountSuspensionService } from './account-suspension.service';
import { DomainBlockCache } from './domain-block.cache';
import { DomainBlockRepository } from './domain-block.repository';
import { DomainBlockResolver } from './domain-block.resolver';
import { DomainBlockService } from './domain-block.service';
import { DomainPurgeRepository } from './domain-purge.repository';
import { DomainPurgeService } from './domain-purge.service';
import { DOMAIN_PURGE_QUEUE } from './moderation.constants';
import { ReportLoaderRegistrar } from './report.loaders';
import { ReportRepository } from './report.repository';
import { ReportResolver } from './report.resolver';
import { ReportService } from './report.service';

/**
 * Domain blocks (reject and purge), account suspensions and reports. The one DomainBlockCache of
 * the process lives here: the HTTP door and the safe loaders read the instance a block reloads.
 * The purge's processor (DomainPurgeProcessor) is registered by FederationModule in workers only.
 */
@Module({
  imports: [BullModule.registerQueue({ name: DOMAIN_PURGE_QUEUE }), SocialModule, ContentModule],
  providers: [
    DomainBlockRepository,
    DomainBlockCache,
    DomainPurgeRepository,
    DomainPurgeService,
    DomainBlockService,
    DomainBlockResolver,
    AccountSuspensionService,
    AccountSuspensionResolver,
    ReportRepository,
    ReportService,
    ReportLoaderRegistrar,
    ReportResolver,
  ],
  exports: [
    DomainBlockCache,
    DomainPurgeService,
    DomainBlockService,
    AccountSuspensionService,
    ReportService,
    ReportRepository,
  ],
})
export class ModerationModule {}
