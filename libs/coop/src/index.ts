export { CoopErrorCode, CoopException, InvalidSnapshotError } from './coop.exception';
export { closePeriod, replay, sealResult } from './engine/close-period';
export { inspectSnapshot, validateSnapshot } from './engine/validate-snapshot';
export { SnapshotIndex } from './engine/snapshot-index';
export { scoreSnapshot, type PoolPoints } from './engine/score';
export { allocate } from './engine/allocate';
export { lrm, type LrmPart } from './engine/lrm';
export { canonicalHash, canonicalJson } from './engine/canonical-json';
export { formatProblem, type SnapshotProblem } from './engine/snapshot-problem';
export {
  EQUITY_POOL,
  MEMBER_STATUSES,
  RESULT_FORMAT,
  REVERSAL,
  SNAPSHOT_FORMAT,
  type Allocation,
  type ContributionEvent,
  type ContributionType,
  type MemberResult,
  type MemberStatus,
  type PeriodParameters,
  type PeriodResult,
  type PeriodSnapshot,
  type PoolResult,
  type ReversalEvent,
  type SnapshotEvent,
  type SnapshotMember,
} from './engine/snapshot';
export { CoopModule } from './coop.module';
export { CoopServiceErrorCode, CoopServiceException } from './coop-service.exception';
export {
  PeriodService,
  PREVIEW_VALID_MS,
  type CloseOptions,
  type OpenPeriodStatus,
  type PeriodCloseOutcome,
  type PeriodClosePreview,
} from './periods/period.service';
export { type CoopPeriodEntity } from './periods/coop-period.entity';
export { CloseSnapshotReader } from './periods/close-snapshot.reader';
export type {
  CapitalPolicyModel,
  PayableModel,
  PayoutRunModel,
  PayoutRunSummaryModel,
  RevolvedVintageModel,
} from './capital/capital.model';
export { MembershipService } from './members/membership.service';
export { COOP_MEMBER_STATUSES, type CoopMemberEntity, type CoopMemberStatus } from './members/coop-member.entity';
export { PaymentService, type PaymentPage } from './contributions/payment.service';
export { type ListedPayment } from './contributions/coop-payment.repository';
export { type WebhookDeliveryEntity } from './contributions/webhook-delivery.entity';
export { type CoopMemberRow } from './members/coop-member.repository';
export { LedgerVerifier, type VerifyReport } from './ledger/ledger.verifier';
export {
  ContributionReconciler,
  type ReconciliationItem,
  type ReconciliationReport,
} from './contributions/contribution-reconciler';
export { closePostings } from './ledger/close-postings';
export { TransparencyService, type PeriodPageData } from './transparency/transparency.service';
export { memberPseudonym, publishSnapshot, type PublishedSnapshot } from './transparency/published-snapshot';
export { CapitalService } from './capital/capital.service';
export { CAPITAL_POLICY_BOUNDS } from './bylaws';
export { CapitalErrorCode, CapitalException } from './capital/capital.exception';
export { GovernanceService } from './governance/governance.service';
export { GovernanceErrorCode, GovernanceException } from './governance/governance.exception';
export {
  BYLAW_BOUNDS,
  type BylawProblem,
  type GovernedParameters,
  type ParameterChanges,
} from './governance/bylaw-bounds';
export { type CoopProposalEntity, type ProposalStatus } from './governance/coop-proposal.entity';
export { VOTE_CHOICES, type VoteChoiceName } from './governance/coop-vote.entity';
export { type LiveTally } from './governance/governance.repository';
export { ProposeParametersInput, PoolShareInput } from './governance/dto/propose-parameters.input';
export { GovernanceJobsModule } from './governance/jobs/governance-jobs.module';
export { GOVERNANCE_QUEUE, GovernanceJob } from './governance/jobs/governance-jobs.constants';
export { MemberLedgerService, type MemberLedgerRow } from './transparency/member-ledger.service';
export { ContributionPreview, type ContributionPreviewData } from './contributions/contribution-preview';
export {
  explainMember,
  type BudgetShare,
  type EventOutcome,
  type ExplainedEvent,
  type MemberExplanation,
  type TypePoints,
} from './engine/explain';
export { expectedCloseEnd, type OpenPeriodRef, type VestingTranche } from './transparency/ownership-schedule';
export type { CoopAccountModel } from './transparency/coop-account.model';
export type { CoopAllocationModel } from './transparency/coop-allocation.model';
export { DEFAULT_SHARE_PAR_CENTS } from './bylaws';
