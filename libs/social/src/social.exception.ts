import { DomainException, GraphqlErrorCode } from '@guildhall/core';

export enum SocialErrorCode {
  AccountNotFound = 'ACCOUNT_NOT_FOUND',
  /** "alice@host" not yet known here: WebFinger lookups arrive with federation. */
  RemoteLookupUnavailable = 'REMOTE_LOOKUP_UNAVAILABLE',
  CannotFollowSelf = 'CANNOT_FOLLOW_SELF',
  CannotBlockSelf = 'CANNOT_BLOCK_SELF',
  CannotMuteSelf = 'CANNOT_MUTE_SELF',
  InvalidMuteDuration = 'INVALID_MUTE_DURATION',
  Blocked = 'BLOCKED',
  NoSuchRequest = 'NO_SUCH_REQUEST',
  RateLimited = 'RATE_LIMITED',
  ListNotFound = 'LIST_NOT_FOUND',
  InvalidList = 'INVALID_LIST',
  TooManyLists = 'TOO_MANY_LISTS',
  /** Only accounts you follow (or asked to follow) can be on your lists. */
  NotFollowed = 'NOT_FOLLOWED',
  AlreadyOnList = 'ALREADY_ON_LIST',
  InvalidDomain = 'INVALID_DOMAIN',
}

const GRAPHQL_CODES: Record<SocialErrorCode, GraphqlErrorCode> = {
  [SocialErrorCode.AccountNotFound]: GraphqlErrorCode.NOT_FOUND,
  [SocialErrorCode.RemoteLookupUnavailable]: GraphqlErrorCode.NOT_FOUND,
  [SocialErrorCode.CannotFollowSelf]: GraphqlErrorCode.BAD_USER_INPUT,
  [SocialErrorCode.CannotBlockSelf]: GraphqlErrorCode.BAD_USER_INPUT,
  [SocialErrorCode.CannotMuteSelf]: GraphqlErrorCode.BAD_USER_INPUT,
  [SocialErrorCode.InvalidMuteDuration]: GraphqlErrorCode.BAD_USER_INPUT,
  [SocialErrorCode.Blocked]: GraphqlErrorCode.FORBIDDEN,
  [SocialErrorCode.NoSuchRequest]: GraphqlErrorCode.NOT_FOUND,
  [SocialErrorCode.RateLimited]: GraphqlErrorCode.RATE_LIMITED,
  [SocialErrorCode.ListNotFound]: GraphqlErrorCode.NOT_FOUND,
  [SocialErrorCode.InvalidList]: GraphqlErrorCode.BAD_USER_INPUT,
  [SocialErrorCode.TooManyLists]: GraphqlErrorCode.BAD_USER_INPUT,
  [SocialErrorCode.NotFollowed]: GraphqlErrorCode.BAD_USER_INPUT,
  [SocialErrorCode.AlreadyOnList]: GraphqlErrorCode.BAD_USER_INPUT,
  [SocialErrorCode.InvalidDomain]: GraphqlErrorCode.BAD_USER_INPUT,
};

export class SocialException extends DomainException<SocialErrorCode> {
  readonly graphqlCode: GraphqlErrorCode;

  constructor(code: SocialErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.graphqlCode = GRAPHQL_CODES[code];
  }
}
