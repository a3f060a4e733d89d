import { formatProblem, type SnapshotProblem } from './engine/snapshot-problem';

export enum CoopErrorCode {
  InvalidSnapshot = 'INVALID_SNAPSHOT',
}

/**
 * The cooperative module's exception. The engine is pure and framework-free (the CLI and the
 * benchmark load it without Nest), so this extends Error, not core's DomainException; the layer
 * that exposes closes over GraphQL maps `reason` to its error code.
 */
export class CoopException extends Error {
  constructor(
    readonly reason: CoopErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A snapshot rejected as a whole (SPEC §6), with every problem found, each at its JSON path. */
export class InvalidSnapshotError extends CoopException {
  constructor(readonly problems: readonly SnapshotProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(CoopErrorCode.InvalidSnapshot, `invalid snapshot (${count}):\n${problems.map(formatProblem).join('\n')}`);
  }
}
