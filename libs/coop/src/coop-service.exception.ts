import { DomainException, GraphqlErrorCode } from '@guildhall/core';

export enum CoopServiceErrorCode {
  AccountNotFound = 'ACCOUNT_NOT_FOUND',
  AlreadyApplied = 'ALREADY_APPLIED',
  NotAMember = 'NOT_A_MEMBER',
  NotPending = 'NOT_PENDING',
  NotActive = 'NOT_ACTIVE',
  PeriodNotFound = 'PERIOD_NOT_FOUND',
  /** The server built a snapshot the engine refused: a defect, reported with its problems. */
  InvalidSnapshot = 'INVALID_SNAPSHOT',
  LedgerUnbalanced = 'LEDGER_UNBALANCED',
  PaymentConflict = 'PAYMENT_CONFLICT',
  /** A payment over MONEY_BOUNDS: one too large, or one the open period's totals cannot take. */
  PaymentOutOfBounds = 'PAYMENT_OUT_OF_BOUNDS',
  /** A membership status filter that is not one of COOP_MEMBER_STATUSES. */
  UnknownStatus = 'UNKNOWN_STATUS',
  /** A close asked to end at a preview's instant that is stale, in the future or before the start. */
  StalePreview = 'STALE_PREVIEW',
}

const GRAPHQL_CODES: Record<CoopServiceErrorCode, GraphqlErrorCode> = {
  [CoopServiceErrorCode.AccountNotFound]: GraphqlErrorCode.NOT_FOUND,
  [CoopServiceErrorCode.AlreadyApplied]: GraphqlErrorCode.CONFLICT,
  [CoopServiceErrorCode.NotAMember]: GraphqlErrorCode.FORBIDDEN,
  [CoopServiceErrorCode.NotPending]: GraphqlErrorCode.CONFLICT,
  [CoopServiceErrorCode.NotActive]: GraphqlErrorCode.CONFLICT,
  [CoopServiceErrorCode.PeriodNotFound]: GraphqlErrorCode.NOT_FOUND,
  [CoopServiceErrorCode.InvalidSnapshot]: GraphqlErrorCode.INTERNAL_SERVER_ERROR,
  [CoopServiceErrorCode.LedgerUnbalanced]: GraphqlErrorCode.INTERNAL_SERVER_ERROR,
  [CoopServiceErrorCode.PaymentConflict]: GraphqlErrorCode.CONFLICT,
  [CoopServiceErrorCode.PaymentOutOfBounds]: GraphqlErrorCode.BAD_USER_INPUT,
  [CoopServiceErrorCode.UnknownStatus]: GraphqlErrorCode.BAD_USER_INPUT,
  [CoopServiceErrorCode.StalePreview]: GraphqlErrorCode.BAD_USER_INPUT,
};

/**
 * The cooperative's errors on the API (membership, money, periods). The engine's CoopException
 * stays framework-free (the CLI replay and the benchmark load the engine without Nest), so the
 * services wrap what they let through in this one.
 */
export class CoopServiceException extends DomainException<CoopServiceErrorCode> {
  readonly graphqlCode: GraphqlErrorCode;

  constructor(code: CoopServiceErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.graphqlCode = GRAPHQL_CODES[code];
  }
}
