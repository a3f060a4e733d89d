/** The error codes a GraphQL client sees in `extensions.code`. */
export enum GraphqlErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/**
 * Base of every module's exception (`IdentityException`, …). Each module declares its own code
 * enum and an exhaustive `Record<Code, GraphqlErrorCode>`, so adding a code without mapping it
 * does not compile; the one GraphQL formatter reads `graphqlCode` and `reason`.
 */
export abstract class DomainException<Code extends string = string> extends Error {
  abstract readonly graphqlCode: GraphqlErrorCode;

  protected constructor(
    readonly reason: Code,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
