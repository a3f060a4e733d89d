import { DomainException, GraphqlErrorCode } from '@guildhall/core';

export enum ContentErrorCode {
  MediaNotFound = 'MEDIA_NOT_FOUND',
  MediaTooLarge = 'MEDIA_TOO_LARGE',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  ImageDimensionsTooLarge = 'IMAGE_DIMENSIONS_TOO_LARGE',
  UnprocessableImage = 'UNPROCESSABLE_IMAGE',
  InvalidFocus = 'INVALID_FOCUS',
  MalformedUpload = 'MALFORMED_UPLOAD',
  InvalidAltText = 'INVALID_ALT_TEXT',
  MediaAlreadyAttached = 'MEDIA_ALREADY_ATTACHED',
  TooManyAttachments = 'TOO_MANY_ATTACHMENTS',
  NotOwner = 'NOT_OWNER',
  InvalidProfile = 'INVALID_PROFILE',
  RateLimited = 'RATE_LIMITED',
  PostNotFound = 'POST_NOT_FOUND',
  ConversationNotFound = 'CONVERSATION_NOT_FOUND',
  NotAuthor = 'NOT_AUTHOR',
  InvalidContent = 'INVALID_CONTENT',
  CannotBoost = 'CANNOT_BOOST',
  InvalidPoll = 'INVALID_POLL',
  PollNotFound = 'POLL_NOT_FOUND',
  PollExpired = 'POLL_EXPIRED',
  PollInvalidChoice = 'POLL_INVALID_CHOICE',
  PollOwnVote = 'POLL_OWN_VOTE',
  PollAlreadyVoted = 'POLL_ALREADY_VOTED',
  CannotPin = 'CANNOT_PIN',
  InvalidSchedule = 'INVALID_SCHEDULE',
  ScheduledPostNotFound = 'SCHEDULED_POST_NOT_FOUND',
  InvalidHashtag = 'INVALID_HASHTAG',
  HashtagNotFound = 'HASHTAG_NOT_FOUND',
  /** An HTTP-signed GET of media whose signature does not verify (or is outside its window). */
  MediaSignatureInvalid = 'MEDIA_SIGNATURE_INVALID',
  /** An HTTP-signed GET of media by a domain the moderators block. */
  MediaSignerRefused = 'MEDIA_SIGNER_REFUSED',
  FilterNotFound = 'FILTER_NOT_FOUND',
  InvalidFilter = 'INVALID_FILTER',
}

const GRAPHQL_CODES: Record<ContentErrorCode, GraphqlErrorCode> = {
  [ContentErrorCode.MediaNotFound]: GraphqlErrorCode.NOT_FOUND,
  [ContentErrorCode.MediaTooLarge]: GraphqlErrorCode.BAD_USER_INPUT,
  [ContentErrorCode.UnsupportedMediaType]: GraphqlErrorCode.BAD_USER_INPUT,
  [ContentErrorCode.ImageDimensionsTooLarge]: GraphqlErrorCode.BAD_USER_INPUT,
  [ContentErrorCode.UnprocessableImage]: GraphqlErrorCode.BAD_USER_INPUT,
  [ContentErrorCode.InvalidFocus]: GraphqlErrorCode.BAD_USER_INPUT,
  [ContentErrorCode.MalformedUpload]: GraphqlErrorCode.BAD_USER_INPUT,
  [ContentErrorCode.InvalidAltText]: GraphqlErrorCode.BAD_USER_INPUT,
  [ContentErrorCode.MediaAlreadyAttached]: GraphqlErrorCode.BAD_USER_INPUT,
  [ContentErrorCode.TooManyAttachments]: GraphqlErrorCode.BAD_USER_INPUT,
  [ContentErrorCode.NotOwner]: GraphqlErrorCode.FORBIDDEN,
  [ContentErrorCode.InvalidProfile]: GraphqlErrorCode.BAD_USER_INPUT,
  [ContentErrorCode.RateLimited]: GraphqlErrorCode.RATE_LIMITED,
  [ContentErrorCode.PostNotFound]: GraphqlErrorCode.NOT_FOUND,
  [ContentErrorCode.ConversationNotFound]: GraphqlErrorCode.NOT_FOUND,
  [ContentErrorCode.NotAuthor]: GraphqlErrorCode.FORBIDDEN,
  [ContentErrorCode.InvalidContent]: GraphqlErrorCode.BAD_USER_INPUT,
  [ContentErrorCode.CannotBoost]: GraphqlErrorCode.FORBIDDEN,
  [ContentErrorCode.InvalidPoll]: GraphqlErrorCode.BAD_USER_INPUT,
  [ContentErrorCode.PollNotFound]: GraphqlErrorCode.NOT_FOUND,
  // Mastodon answers these 422: the request was understood, the vote is not allowed.
  [ContentErrorCode.PollExpired]: GraphqlErrorCode.BAD_USER_INPUT,
  [ContentErrorCode.PollInvalidChoice]: GraphqlErrorCode.BAD_USER_INPUT,
  [ContentErrorCode.PollOwnVote]: GraphqlErrorCode.BAD_USER_INPUT,
  [ContentErrorCode.PollAlreadyVoted]: GraphqlErrorCode.BAD_USER_INPUT,
  [ContentErrorCode.CannotPin]: GraphqlErrorCode.BAD_USER_INPUT,
  [ContentErrorCode.InvalidSchedule]: GraphqlErrorCode.BAD_USER_INPUT,
  [ContentErrorCode.ScheduledPostNotFound]: GraphqlErrorCode.NOT_FOUND,
  [ContentErrorCode.InvalidHashtag]: GraphqlErrorCode.BAD_USER_INPUT,
  [ContentErrorCode.HashtagNotFound]: GraphqlErrorCode.NOT_FOUND,
  [ContentErrorCode.MediaSignatureInvalid]: GraphqlErrorCode.UNAUTHENTICATED,
  [ContentErrorCode.MediaSignerRefused]: GraphqlErrorCode.FORBIDDEN,
  [ContentErrorCode.FilterNotFound]: GraphqlErrorCode.NOT_FOUND,
  [ContentErrorCode.InvalidFilter]: GraphqlErrorCode.BAD_USER_INPUT,
};

export class ContentException extends DomainException<ContentErrorCode> {
  readonly graphqlCode: GraphqlErrorCode;

  constructor(code: ContentErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.graphqlCode = GRAPHQL_CODES[code];
  }
}
