import { InvalidSnapshotError } from '../coop.exception';
import type { SnapshotProblem } from '../engine/snapshot-problem';

/** The problems of the InvalidSnapshotError `run` throws; fails the test when it throws nothing else. */
export function thrownProblems(run: () => unknown): readonly SnapshotProblem[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidSnapshotError) return error.problems;
    throw error;
  }
  throw new Error('expected an InvalidSnapshotError, but nothing was thrown');
}
