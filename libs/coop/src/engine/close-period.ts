import { performance } from 'node:perf_hooks';
import { InvalidSnapshotError } from '../coop.exception';
import { allocate } from './allocate';
import { canonicalHash } from './canonical-json';
import { eventObjects, type EventColumns } from './event-columns';
import { scoreSnapshot, type EventFields } from './score';
import { RESULT_FORMAT, type Allocation, type PeriodResult, type PeriodSnapshot } from './snapshot';
import { inspectColumns, inspectSnapshot } from './validate-snapshot';

/**
 * Closes a period from its snapshot (SPEC §2–§6): validate, score, allocate, hash. Pure and
 * deterministic: the same snapshot gives the same result and hashes, whatever the order of its
 * members and events. Throws InvalidSnapshotError with every problem when the snapshot is invalid.
 */
export function closePeriod(snapshot: PeriodSnapshot, phases?: EnginePhases): PeriodResult {
  return sealSnapshot(snapshot, allocateSnapshot(snapshot, phases), phases);
}

/**
 * closePeriod's first part: validate, score and allocate (everything but the hashes, which a
 * caller may compute while it does something else with the allocation). Throws
 * InvalidSnapshotError when the snapshot is invalid.
 */
export function allocateSnapshot(snapshot: PeriodSnapshot, phases?: EnginePhases): Allocation {
  const { problems, index } = timed(phases, 'validateMs', () => inspectSnapshot(snapshot));
  if (problems.length > 0) throw new InvalidSnapshotError(problems);
  const points = timed(phases, 'scoreMs', () => scoreSnapshot(snapshot, index));
  return timed(phases, 'allocateMs', () => allocate(snapshot, points));
}

/**
 * allocateSnapshot for a snapshot whose events are columns (ADR 0073): `head` is the rest of the
 * document. The same allocation as allocateSnapshot({ ...head, events: eventObjects(columns) }),
 * which it runs instead when the columns are not plainly valid (it then throws the document's
 * exact problems, or allocates its redeliveries).
 */
export function allocateColumns(
  head: Omit<PeriodSnapshot, 'events'>,
  columns: EventColumns,
  phases?: EnginePhases,
): Allocation {
  const index = timed(phases, 'validateMs', () => inspectColumns(head, columns));
  if (!index) return allocateSnapshot({ ...head, events: eventObjects(columns) }, phases);
  // Scoring and allocation read the document's head and the index; the events' fields come from
  // the columns.
  const snapshot: PeriodSnapshot = { ...head, events: [] };
  const { amount, object, strings } = columns;
  const fields: EventFields = { amount: (i) => amount[i], object: (i) => strings[object[i]] };
  const points = timed(phases, 'scoreMs', () => scoreSnapshot(snapshot, index, fields));
  return timed(phases, 'allocateMs', () => allocate(snapshot, points));
}

/** closePeriod's second part: the result of `snapshot`'s allocation, with both hashes. */
export function sealSnapshot(snapshot: PeriodSnapshot, allocation: Allocation, phases?: EnginePhases): PeriodResult {
  return timed(phases, 'hashMs', () => sealResult(snapshot, allocation, canonicalHash(snapshot)));
}

/** Milliseconds closePeriod spent in each phase (for the service's log and the benchmark). */
export interface EnginePhases {
  validateMs?: number;
  scoreMs?: number;
  allocateMs?: number;
  hashMs?: number;
}

function timed<T>(phases: EnginePhases | undefined, phase: keyof EnginePhases, work: () => T): T {
  const started = performance.now();
  const value = work();
  if (phases) phases[phase] = performance.now() - started;
  return value;
}

/**
 * `closePeriod` for input from outside: a parsed JSON document, or JSON text (a string — no
 * valid snapshot is a JSON string). Malformed text is an InvalidSnapshotError at `$`.
 */
export function replay(json: unknown): PeriodResult {
  let document = json;
  if (typeof json === 'string') {
    try {
      document = JSON.parse(json);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new InvalidSnapshotError([{ path: '$', message: `not valid JSON: ${reason}` }]);
    }
  }
  return closePeriod(document as PeriodSnapshot);
}

/** The result with its identity and hashes: `outputHash` covers everything else (SPEC §6). */
export function sealResult(
  snapshot: Pick<PeriodSnapshot, 'period'>,
  allocation: Allocation,
  inputHash: string,
): PeriodResult {
  const unsealed: Omit<PeriodResult, 'outputHash'> = {
    format: RESULT_FORMAT,
    period: snapshot.period.id,
    inputHash,
    ...allocation,
  };
  return { ...unsealed, outputHash: canonicalHash(unsealed) };
}
