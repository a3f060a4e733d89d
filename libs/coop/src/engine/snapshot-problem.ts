/** One reason a snapshot is invalid, at the JSON path of the offending value. */
export interface SnapshotProblem {
  readonly path: string;
  readonly message: string;
}

/** `$.events[3].member: unknown member "zed"`. */
export function formatProblem(problem: SnapshotProblem): string {
  return `${problem.path}: ${problem.message}`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The path of `key` under `path`: `$.a.b` for identifiers, `$.a["my key"]` otherwise. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
