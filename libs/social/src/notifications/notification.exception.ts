import { DomainException, GraphqlErrorCode } from '@guildhall/core';

export enum NotificationErrorCode {
  NotFound = 'NOTIFICATION_NOT_FOUND',
  InvalidId = 'INVALID_ID',
}

const GRAPHQL_CODES: Record<NotificationErrorCode, GraphqlErrorCode> = {
  [NotificationErrorCode.NotFound]: GraphqlErrorCode.NOT_FOUND,
  [NotificationErrorCode.InvalidId]: GraphqlErrorCode.BAD_USER_INPUT,
};

export class NotificationException extends DomainException<NotificationErrorCode> {
  readonly graphqlCode: GraphqlErrorCode;

  constructor(code: NotificationErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.graphqlCode = GRAPHQL_CODES[code];
  }
}
