import { DomainException, GraphqlErrorCode } from '@guildhall/core';

export enum CapitalErrorCode {
  /** A vintage that is not a closed period (unknown, open, or malformed). */
  UnknownVintage = 'UNKNOWN_VINTAGE',
  /** A capital policy outside the bylaws' bounds: `field` names what is wrong. */
  OutsideBylaws = 'OUTSIDE_BYLAWS',
  /** A payout run or redemption before any period has closed: nothing can be owed yet. */
  NothingClosed = 'NOTHING_CLOSED',
  /** The run would pay out more than the cash account holds: nothing was posted. */
  InsufficientCash = 'INSUFFICIENT_CASH',
}

const GRAPHQL_CODES: Record<CapitalErrorCode, GraphqlErrorCode> = {
  [CapitalErrorCode.UnknownVintage]: GraphqlErrorCode.BAD_USER_INPUT,
  [CapitalErrorCode.OutsideBylaws]: GraphqlErrorCode.BAD_USER_INPUT,
  [CapitalErrorCode.NothingClosed]: GraphqlErrorCode.CONFLICT,
  [CapitalErrorCode.InsufficientCash]: GraphqlErrorCode.CONFLICT,
};

/** The capital accounts' and payouts' errors on the API. */
export class CapitalException extends DomainException<CapitalErrorCode> {
  readonly graphqlCode: GraphqlErrorCode;

  constructor(code: CapitalErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.graphqlCode = GRAPHQL_CODES[code];
  }
}
