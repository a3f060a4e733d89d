import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActivityModule } from '@guildhall/content';
import { CapitalPolicyEntity } from './capital/capital-policy.entity';
import { CapitalRepository } from './capital/capital.repository';
import { CapitalResolver } from './capital/capital.resolver';
import { CapitalService } from './capital/capital.service';
import { ContributionPreview } from './contributions/contribution-preview';
import { ContributionPreviewResolver } from './contributions/contribution-preview.resolver';
import { ContributionReconciler } from './contributions/contribution-reconciler';
import { ContributionRecorder } from './contributions/contribution.recorder';
import { CoopEventEntity } from './contributions/coop-event.entity';
import { CoopEventRepository } from './contributions/coop-event.repository';
import { CoopPaymentEntity } from './contributions/coop-payment.entity';
import { CoopPaymentRepository } from './contributions/coop-payment.repository';
import { PaymentWebhookController } from './contributions/payment-webhook.controller';
import { PaymentResolver } from './contributions/payment.resolver';
import { PaymentService } from './contributions/payment.service';
import { ReconciliationRepository } from './contributions/reconciliation.repository';
import { WebhookDeliveryEntity } from './contributions/webhook-delivery.entity';
import { WebhookDeliveryRepository } from './contributions/webhook-delivery.repository';
import { AdoptedParameters } from './governance/adopted-parameters';
import { CoopProposalEntity } from './governance/coop-proposal.entity';
import { CoopVoteEntity } from './governance/coop-vote.entity';
import { GovernanceRepository } from './governance/governance.repository';
import { GovernanceResolver } from './governance/governance.resolver';
import { GovernanceService } from './governance/governance.service';
import { JournalEntryEntity } from './ledger/journal-entry.entity';
import { LedgerRepository } from './ledger/ledger.repository';
import { LedgerService } from './ledger/ledger.service';
import { LedgerVerifier } from './ledger/ledger.verifier';
import { PostingEntity } from './ledger/posting.entity';
import { CoopMemberEntity } from './members/coop-member.entity';
import { CoopMemberRepository } from './members/coop-member.repository';
import { MembershipResolver } from './members/membership.resolver';
import { MembershipService } from './members/membership.service';
import { CoopPeriodEntity } from './periods/coop-period.entity';
import { PublishedPartEntity } from './periods/published-part.entity';
import { CloseSnapshotReader } from './periods/close-snapshot.reader';
import { CoopPeriodRepository } from './periods/coop-period.repository';
import { PeriodResolver } from './periods/period.resolver';
import { PeriodService } from './periods/period.service';
import { MemberLedgerRepository } from './transparency/member-ledger.repository';
import { MemberLedgerService } from './transparency/member-ledger.service';
import { TransparencyController } from './transparency/transparency.controller';
import { TransparencyRepository } from './transparency/transparency.repository';
import { TransparencyResolver } from './transparency/transparency.resolver';
import { TransparencyService } from './transparency/transparency.service';

/**
 * The cooperative on the platform: membership, contributions recorded from domain events, money
 * in and out, periods closed by the pure engine and posted to the append-only ledger, and
 * governance of the next periods' parameters, and capital accounts revolved and paid out.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      CoopMemberEntity,
      CoopEventEntity,
      CoopPaymentEntity,
      WebhookDeliveryEntity,
      CoopPeriodEntity,
      PublishedPartEntity,
      JournalEntryEntity,
      PostingEntity,
      CoopProposalEntity,
      CoopVoteEntity,
      CapitalPolicyEntity,
    ]),
    ActivityModule,
  ],
  controllers: [PaymentWebhookController, TransparencyController],
  providers: [
    CoopMemberRepository,
    MembershipService,
    MembershipResolver,
    CoopEventRepository,
    ContributionRecorder,
    ContributionPreview,
    ContributionPreviewResolver,
    CoopPaymentRepository,
    PaymentService,
    PaymentResolver,
    WebhookDeliveryRepository,
    ReconciliationRepository,
    ContributionReconciler,
    LedgerRepository,
    LedgerService,
    LedgerVerifier,
    CoopPeriodRepository,
    CloseSnapshotReader,
    PeriodService,
    PeriodResolver,
    AdoptedParameters,
    GovernanceRepository,
    GovernanceService,
    GovernanceResolver,
    TransparencyRepository,
    TransparencyService,
    TransparencyResolver,
    CapitalRepository,
    CapitalService,
    CapitalResolver,
    MemberLedgerRepository,
    MemberLedgerService,
  ],
  exports: [
    MembershipService,
    PeriodService,
    PaymentService,
    LedgerVerifier,
    ContributionReconciler,
    TransparencyService,
    GovernanceService,
    CapitalService,
    MemberLedgerService,
    ContributionPreview,
  ],
})
export class CoopModule {}
