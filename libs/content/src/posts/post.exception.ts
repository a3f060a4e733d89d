import { DomainException, GraphqlErrorCode } from '@guildhall/core';

export enum PostErrorCode {
  PostNotFound = 'POST_NOT_FOUND',
  NotAuthor = 'NOT_AUTHOR',
  InvalidContent = 'INVALID_CONTENT',
  InvalidCursor = 'INVALID_CURSOR',
  CannotBoost = 'CANNOT_BOOST',
  RateLimited = 'RATE_LIMITED',
}

const GRAPHQL_CODES: Record<PostErrorCode, GraphqlErrorCode> = {
  [PostErrorCode.PostNotFound]: GraphqlErrorCode.NOT_FOUND,
  [PostErrorCode.NotAuthor]: GraphqlErrorCode.FORBIDDEN,
  [PostErrorCode.InvalidContent]: GraphqlErrorCode.BAD_USER_INPUT,
  [PostErrorCode.InvalidCursor]: GraphqlErrorCode.BAD_USER_INPUT,
  [PostErrorCode.CannotBoost]: GraphqlErrorCode.FORBIDDEN,
  [PostErrorCode.RateLimited]: GraphqlErrorCode.RATE_LIMITED,
};

export class PostException extends DomainException<PostErrorCode> {
  readonly graphqlCode: GraphqlErrorCode;

  constructor(code: PostErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.graphqlCode = GRAPHQL_CODES[code];
  }
}
