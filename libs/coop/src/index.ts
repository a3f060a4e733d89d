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
export { PeriodService, type PeriodCloseOutcome } from './periods/period.service';
export { MembershipService } from './members/membership.service';
export { type CoopMemberEntity, type CoopMemberStatus } from './members/coop-member.entity';
export { PaymentService } from './contributions/payment.service';
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
export { CapitalErrorCode, CapitalException } from './capital/capital.exception';
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
