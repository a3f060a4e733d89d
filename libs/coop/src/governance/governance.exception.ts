import { DomainException, GraphqlErrorCode } from '@guildhall/core';

export enum GovernanceErrorCode {
  /** A proposal outside the bylaws' bounds (or malformed): `field` names what is wrong. */
  OutsideBylaws = 'OUTSIDE_BYLAWS',
  /** Only active members propose and vote. */
  NotAVoter = 'NOT_A_VOTER',
  ProposalNotFound = 'PROPOSAL_NOT_FOUND',
  VotingClosed = 'VOTING_CLOSED',
  /** A member (not an admin) may close a proposal only once its voting window has passed. */
  VotingOpen = 'VOTING_OPEN',
}

const GRAPHQL_CODES: Record<GovernanceErrorCode, GraphqlErrorCode> = {
  [GovernanceErrorCode.OutsideBylaws]: GraphqlErrorCode.BAD_USER_INPUT,
  [GovernanceErrorCode.NotAVoter]: GraphqlErrorCode.FORBIDDEN,
  [GovernanceErrorCode.ProposalNotFound]: GraphqlErrorCode.NOT_FOUND,
  [GovernanceErrorCode.VotingClosed]: GraphqlErrorCode.CONFLICT,
  [GovernanceErrorCode.VotingOpen]: GraphqlErrorCode.CONFLICT,
};

export class GovernanceException extends DomainException<GovernanceErrorCode> {
  readonly graphqlCode: GraphqlErrorCode;

  constructor(code: GovernanceErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.graphqlCode = GRAPHQL_CODES[code];
  }
}
