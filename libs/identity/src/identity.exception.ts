import { DomainException, GraphqlErrorCode } from '@guildhall/core';

export enum IdentityErrorCode {
  InvalidUsername = 'INVALID_USERNAME',
  UsernameTaken = 'USERNAME_TAKEN',
  /** The operator's command only: signUp answers SignUpRefused, not naming the email. */
  EmailTaken = 'EMAIL_TAKEN',
  SignUpRefused = 'SIGN_UP_REFUSED',
  InvalidCredentials = 'INVALID_CREDENTIALS',
  RateLimited = 'RATE_LIMITED',
  Unauthenticated = 'UNAUTHENTICATED',
  SessionRevoked = 'SESSION_REVOKED',
  /** Ending a session that is not one of the member's own live sessions. */
  SessionNotFound = 'SESSION_NOT_FOUND',
  Forbidden = 'FORBIDDEN',
  AccountNotFound = 'ACCOUNT_NOT_FOUND',
  /** A moderator suspended the account: it cannot log in, its tokens are refused. */
  AccountSuspended = 'ACCOUNT_SUSPENDED',
  /** `user@host` whose host is not a host[:port] (a path, credentials, spaces…). */
  InvalidHandle = 'INVALID_HANDLE',
  /** More remote accounts than REMOTE_LOOKUPS_PER_REQUEST in one request. */
  TooManyRemoteLookups = 'TOO_MANY_REMOTE_LOOKUPS',
  /** changePassword with a wrong current password. */
  WrongPassword = 'WRONG_PASSWORD',
  ResetTokenInvalid = 'RESET_TOKEN_INVALID',
  ResetTokenExpired = 'RESET_TOKEN_EXPIRED',
  ResetTokenUsed = 'RESET_TOKEN_USED',
  /** OAuth (RFC 6749 §5.2): unknown client or wrong secret. */
  OAuthInvalidClient = 'OAUTH_INVALID_CLIENT',
  /** OAuth: a code or credentials that are wrong, spent, expired or for another client. */
  OAuthInvalidGrant = 'OAUTH_INVALID_GRANT',
  OAuthInvalidScope = 'OAUTH_INVALID_SCOPE',
  OAuthInvalidRequest = 'OAUTH_INVALID_REQUEST',
  OAuthUnsupportedGrantType = 'OAUTH_UNSUPPORTED_GRANT_TYPE',
  OAuthUnsupportedResponseType = 'OAUTH_UNSUPPORTED_RESPONSE_TYPE',
  /** A redirect URI the app did not register (never redirected to: shown on the page). */
  OAuthInvalidRedirectUri = 'OAUTH_INVALID_REDIRECT_URI',
  /** A token without the scope a route needs. */
  InsufficientScope = 'INSUFFICIENT_SCOPE',
}

const GRAPHQL_CODES: Record<IdentityErrorCode, GraphqlErrorCode> = {
  [IdentityErrorCode.InvalidUsername]: GraphqlErrorCode.BAD_USER_INPUT,
  [IdentityErrorCode.UsernameTaken]: GraphqlErrorCode.BAD_USER_INPUT,
  [IdentityErrorCode.EmailTaken]: GraphqlErrorCode.BAD_USER_INPUT,
  [IdentityErrorCode.SignUpRefused]: GraphqlErrorCode.BAD_USER_INPUT,
  [IdentityErrorCode.InvalidCredentials]: GraphqlErrorCode.UNAUTHENTICATED,
  [IdentityErrorCode.RateLimited]: GraphqlErrorCode.RATE_LIMITED,
  [IdentityErrorCode.Unauthenticated]: GraphqlErrorCode.UNAUTHENTICATED,
  [IdentityErrorCode.SessionRevoked]: GraphqlErrorCode.UNAUTHENTICATED,
  [IdentityErrorCode.SessionNotFound]: GraphqlErrorCode.NOT_FOUND,
  [IdentityErrorCode.Forbidden]: GraphqlErrorCode.FORBIDDEN,
  [IdentityErrorCode.AccountNotFound]: GraphqlErrorCode.NOT_FOUND,
  [IdentityErrorCode.AccountSuspended]: GraphqlErrorCode.FORBIDDEN,
  [IdentityErrorCode.InvalidHandle]: GraphqlErrorCode.BAD_USER_INPUT,
  [IdentityErrorCode.TooManyRemoteLookups]: GraphqlErrorCode.BAD_USER_INPUT,
  [IdentityErrorCode.WrongPassword]: GraphqlErrorCode.BAD_USER_INPUT,
  [IdentityErrorCode.ResetTokenInvalid]: GraphqlErrorCode.BAD_USER_INPUT,
  [IdentityErrorCode.ResetTokenExpired]: GraphqlErrorCode.BAD_USER_INPUT,
  [IdentityErrorCode.ResetTokenUsed]: GraphqlErrorCode.BAD_USER_INPUT,
  [IdentityErrorCode.OAuthInvalidClient]: GraphqlErrorCode.UNAUTHENTICATED,
  [IdentityErrorCode.OAuthInvalidGrant]: GraphqlErrorCode.BAD_USER_INPUT,
  [IdentityErrorCode.OAuthInvalidScope]: GraphqlErrorCode.BAD_USER_INPUT,
  [IdentityErrorCode.OAuthInvalidRequest]: GraphqlErrorCode.BAD_USER_INPUT,
  [IdentityErrorCode.OAuthUnsupportedGrantType]: GraphqlErrorCode.BAD_USER_INPUT,
  [IdentityErrorCode.OAuthUnsupportedResponseType]: GraphqlErrorCode.BAD_USER_INPUT,
  [IdentityErrorCode.OAuthInvalidRedirectUri]: GraphqlErrorCode.BAD_USER_INPUT,
  [IdentityErrorCode.InsufficientScope]: GraphqlErrorCode.FORBIDDEN,
};

export class IdentityException extends DomainException<IdentityErrorCode> {
  readonly graphqlCode: GraphqlErrorCode;

  constructor(code: IdentityErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.graphqlCode = GRAPHQL_CODES[code];
  }
}
