import {
  checkArray,
  checkObject,
  describe,
  field,
  integerField,
  isObject,
  objectField,
  ProblemList,
  stringField,
  type JsonObject,
} from './field-checks';
import { compareInstants, parseRfc3339, type Instant } from './rfc3339';
import { MEMBER_STATUSES, SNAPSHOT_FORMAT, type MemberStatus } from './snapshot';
import { SnapshotIndex } from './snapshot-index';
import { childPath, type SnapshotProblem } from './snapshot-problem';
import type { EventColumns } from './event-columns';
import { indexEventColumns, validateEvents, type EventContext } from './validate-events';
import { validateParameters } from './validate-parameters';

/**
 * Every reason `input` is not a valid period snapshot (SPEC §3, §6), each at its JSON path, in
 * document order; empty when it is valid. Never throws on any JSON value.
 */
export function validateSnapshot(input: unknown): SnapshotProblem[] {
  return inspectSnapshot(input).problems;
}

/** validateSnapshot, and what it learned on the way (for scoring a valid snapshot). */
export function inspectSnapshot(input: unknown): { problems: SnapshotProblem[]; index: SnapshotIndex } {
  const problems = new ProblemList();
  if (!isObject(input)) {
    problems.add('$', `must be an object, got ${describe(input)}`);
    return { problems: problems.problems, index: new SnapshotIndex(0) };
  }
  const { index, context } = inspectHead(input, Array.isArray(input.events) ? input.events.length : 0, problems);
  validateEvents(input, context, index, problems);
  return { problems: problems.problems, index };
}

/**
 * inspectSnapshot for a snapshot whose events are columns (ADR 0073): `head` is the rest of the
 * document. The index when the snapshot is valid and its events hold no redelivery; null when
 * anything is wrong or unusual, for the caller to ask inspectSnapshot of the document (which
 * gives the exact problems, or the redeliveries' index). Never a false index: every problem
 * inspectSnapshot would report, and every id that repeats, gives null here.
 */
export function inspectColumns(head: object, columns: EventColumns): SnapshotIndex | null {
  if (!isObject(head) || Object.hasOwn(head, 'events')) return null;
  const problems = new ProblemList();
  const { index, context } = inspectHead(head, columns.count, problems, false);
  if (problems.problems.length > 0 || !context.membersKnown || !context.types) return null;
  return indexEventColumns(columns, context.types, index) ? index : null;
}

/** Everything but the events: checked into `problems`; the index the events are then checked into. */
function inspectHead(
  input: JsonObject,
  eventCount: number,
  problems: ProblemList,
  byId = true,
): { index: SnapshotIndex; context: EventContext } {
  const index = new SnapshotIndex(eventCount, byId);
  const format = field(input, 'format', '$', problems);
  if (format !== undefined && format !== SNAPSHOT_FORMAT) {
    problems.add('$.format', `must be ${JSON.stringify(SNAPSHOT_FORMAT)}, got ${describe(format)}`);
  }
  validatePeriod(input, problems);
  const { types } = validateParameters(input, problems);
  validateAmounts(input, 'opening', ['reserve', 'commons', 'lossCarryforward'], problems);
  validateAmounts(input, 'money', ['revenue', 'costs'], problems);
  const membersKnown = validateMembers(input, index, problems);
  return { index, context: { membersKnown, types } };
}

function validatePeriod(snapshot: JsonObject, problems: ProblemList): void {
  const period = objectField(snapshot, 'period', '$', problems);
  if (!period) return;
  stringField(period, 'id', '$.period', problems);
  const start = timestampField(period, 'start', '$.period', problems);
  const end = timestampField(period, 'end', '$.period', problems);
  if (start && end && compareInstants(end, start) <= 0) {
    problems.add('$.period.end', `must be after $.period.start (${String(period.start)})`);
  }
}

function timestampField(parent: JsonObject, key: string, path: string, problems: ProblemList): Instant | undefined {
  const text = stringField(parent, key, path, problems);
  if (text === undefined) return undefined;
  const instant = parseRfc3339(text);
  if (!instant) problems.add(childPath(path, key), `must be an RFC 3339 timestamp, got ${describe(text)}`);
  return instant ?? undefined;
}

function validateAmounts(snapshot: JsonObject, key: string, names: string[], problems: ProblemList): void {
  const amounts = objectField(snapshot, key, '$', problems);
  if (!amounts) return;
  for (const name of names) integerField(amounts, name, `$.${key}`, problems, 0);
}

/** Fills `index.memberIndex`; false when `members` is not an array (events are not checked against it). */
function validateMembers(snapshot: JsonObject, index: SnapshotIndex, problems: ProblemList): boolean {
  const members = checkArray(field(snapshot, 'members', '$', problems), '$.members', problems);
  if (!members) return false;
  const firstIndex = index.memberIndex;
  members.forEach((value, i) => {
    const path = `$.members[${i}]`;
    const member = checkObject(value, path, problems);
    if (!member) return;
    const id = stringField(member, 'id', path, problems);
    if (id !== undefined) {
      const first = firstIndex.get(id);
      if (first === undefined) firstIndex.set(id, i);
      else problems.add(`${path}.id`, `duplicate member id ${JSON.stringify(id)} (first at $.members[${first}])`);
    }
    const joinedAt = timestampField(member, 'joinedAt', path, problems);
    if (joinedAt) index.joinedAt[i] = joinedAt;
    const status = field(member, 'status', path, problems);
    if (status !== undefined && !MEMBER_STATUSES.includes(status as MemberStatus)) {
      problems.add(`${path}.status`, `must be one of ${MEMBER_STATUSES.join(', ')}, got ${describe(status)}`);
    }
    integerField(member, 'vestedUnits', path, problems, 0);
  });
  return true;
}
