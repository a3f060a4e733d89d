import { DomainException, GraphqlErrorCode } from '../errors/domain.exception';

export enum BackupErrorCode {
  /** The backup directory is missing, incomplete, or not a Guildhall backup. */
  INVALID_BACKUP = 'INVALID_BACKUP',
  /** A file's bytes differ from the manifest's checksum. */
  CHECKSUM_MISMATCH = 'CHECKSUM_MISMATCH',
  /** No pg_dump/pg_restore of the database server's major version. */
  TOOLS_MISMATCH = 'TOOLS_MISMATCH',
  /** The target (backup directory, DATA_DIR or database) already holds data. */
  TARGET_NOT_EMPTY = 'TARGET_NOT_EMPTY',
  /** The backup cannot go where the configuration points (embedded copy into DATABASE_URL or back). */
  WRONG_TARGET = 'WRONG_TARGET',
  /** Media the database refers to is not on disk: the backup would restore broken posts. */
  MEDIA_MISSING = 'MEDIA_MISSING',
  /** pg_dump, pg_restore or the embedded server failed. */
  TOOL_FAILED = 'TOOL_FAILED',
}

const GRAPHQL_CODES: Record<BackupErrorCode, GraphqlErrorCode> = {
  [BackupErrorCode.INVALID_BACKUP]: GraphqlErrorCode.BAD_USER_INPUT,
  [BackupErrorCode.CHECKSUM_MISMATCH]: GraphqlErrorCode.BAD_USER_INPUT,
  [BackupErrorCode.TOOLS_MISMATCH]: GraphqlErrorCode.BAD_USER_INPUT,
  [BackupErrorCode.TARGET_NOT_EMPTY]: GraphqlErrorCode.CONFLICT,
  [BackupErrorCode.WRONG_TARGET]: GraphqlErrorCode.BAD_USER_INPUT,
  [BackupErrorCode.MEDIA_MISSING]: GraphqlErrorCode.CONFLICT,
  [BackupErrorCode.TOOL_FAILED]: GraphqlErrorCode.INTERNAL_SERVER_ERROR,
};

/** What `guildhall backup` and `guildhall restore` refuse, each with a message for the operator. */
export class BackupException extends DomainException<BackupErrorCode> {
  get graphqlCode(): GraphqlErrorCode {
    return GRAPHQL_CODES[this.reason];
  }

  constructor(code: BackupErrorCode, message: string) {
    super(code, message);
  }
}
