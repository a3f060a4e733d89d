import { childPath, type SnapshotProblem } from './snapshot-problem';

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/** The problems found so far; checks add to it and go on, so one pass reports them all. */
export class ProblemList {
  readonly problems: SnapshotProblem[] = [];
  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short rendering of a value for "got …" messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** The own member `key` of `parent`; adds "missing" (and returns undefined) when absent. */
export function field(parent: JsonObject, key: string, path: string, problems: ProblemList): unknown {
  const value = Object.hasOwn(parent, key) ? parent[key] : undefined;
  if (value === undefined) problems.add(childPath(path, key), 'missing');
  return value;
}

export function checkObject(value: unknown, path: string, problems: ProblemList): JsonObject | undefined {
  if (value === undefined) return undefined; // reported as missing
  if (isObject(value)) return value;
  problems.add(path, `must be an object, got ${describe(value)}`);
  return undefined;
}

export function checkArray(value: unknown, path: string, problems: ProblemList): unknown[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value as unknown[];
  problems.add(path, `must be an array, got ${describe(value)}`);
  return undefined;
}

export function checkString(value: unknown, path: string, problems: ProblemList): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.length > 0) return value;
  problems.add(path, typeof value === 'string' ? 'must not be empty' : `must be a string, got ${describe(value)}`);
  return undefined;
}

/** SPEC §3: every number is an integer within ±2^53 (exclusive, so no value was rounded by parsing). */
export function checkInteger(
  value: unknown,
  path: string,
  problems: ProblemList,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    problems.add(path, `must be an integer, got ${describe(value)}`);
  } else if (!Number.isSafeInteger(value)) {
    problems.add(path, `must be an integer within ±(2^53 − 1), got ${value}`);
  } else if (value < min) {
    problems.add(path, `must be ≥ ${min}, got ${value}`);
  } else if (value > max) {
    problems.add(path, `must be ≤ ${max}, got ${value}`);
  } else {
    return value;
  }
  return undefined;
}

/** A required integer member in [min, max]. */
export function integerField(
  parent: JsonObject,
  key: string,
  path: string,
  problems: ProblemList,
  min?: number,
  max?: number,
): number | undefined {
  return checkInteger(field(parent, key, path, problems), childPath(path, key), problems, min, max);
}

/** A required non-empty string member. */
export function stringField(parent: JsonObject, key: string, path: string, problems: ProblemList): string | undefined {
  return checkString(field(parent, key, path, problems), childPath(path, key), problems);
}

/** A required object member. */
export function objectField(
  parent: JsonObject,
  key: string,
  path: string,
  problems: ProblemList,
): JsonObject | undefined {
  return checkObject(field(parent, key, path, problems), childPath(path, key), problems);
}
