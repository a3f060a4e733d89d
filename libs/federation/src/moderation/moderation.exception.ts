import { DomainException, GraphqlErrorCode } from '@guildhall/core';

export enum ModerationErrorCode {
  InvalidDomain = 'INVALID_DOMAIN',
  /** The block would cover this server's own host. */
  OwnDomain = 'OWN_DOMAIN',
  AccountNotFound = 'ACCOUNT_NOT_FOUND',
  CannotSuspendSelf = 'CANNOT_SUSPEND_SELF',
  /** A moderator suspending a moderator or an admin (only an admin may). */
  CannotSuspendStaff = 'CANNOT_SUSPEND_STAFF',
  /** A moderator lifting a suspension an admin made (only an admin may). */
  SuspendedByAdmin = 'SUSPENDED_BY_ADMIN',
  CannotReportSelf = 'CANNOT_REPORT_SELF',
  /** Reported posts must be posts of the reported account that the reporter can see. */
  InvalidReportedPosts = 'INVALID_REPORTED_POSTS',
  /** A category or rules that are not Mastodon's or this server's. */
  InvalidReport = 'INVALID_REPORT',
  ReportNotFound = 'REPORT_NOT_FOUND',
  ReportAlreadyResolved = 'REPORT_ALREADY_RESOLVED',
  RateLimited = 'RATE_LIMITED',
}

const GRAPHQL_CODES: Record<ModerationErrorCode, GraphqlErrorCode> = {
  [ModerationErrorCode.InvalidDomain]: GraphqlErrorCode.BAD_USER_INPUT,
  [ModerationErrorCode.OwnDomain]: GraphqlErrorCode.BAD_USER_INPUT,
  [ModerationErrorCode.AccountNotFound]: GraphqlErrorCode.NOT_FOUND,
  [ModerationErrorCode.CannotSuspendSelf]: GraphqlErrorCode.BAD_USER_INPUT,
  [ModerationErrorCode.CannotSuspendStaff]: GraphqlErrorCode.FORBIDDEN,
  [ModerationErrorCode.SuspendedByAdmin]: GraphqlErrorCode.FORBIDDEN,
  [ModerationErrorCode.CannotReportSelf]: GraphqlErrorCode.BAD_USER_INPUT,
  [ModerationErrorCode.InvalidReportedPosts]: GraphqlErrorCode.BAD_USER_INPUT,
  [ModerationErrorCode.InvalidReport]: GraphqlErrorCode.BAD_USER_INPUT,
  [ModerationErrorCode.ReportNotFound]: GraphqlErrorCode.NOT_FOUND,
  [ModerationErrorCode.ReportAlreadyResolved]: GraphqlErrorCode.CONFLICT,
  [ModerationErrorCode.RateLimited]: GraphqlErrorCode.RATE_LIMITED,
};

export class ModerationException extends DomainException<ModerationErrorCode> {
  readonly graphqlCode: GraphqlErrorCode;

  constructor(code: ModerationErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.graphqlCode = GRAPHQL_CODES[code];
  }
}
