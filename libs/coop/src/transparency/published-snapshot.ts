import { hash, randomBytes } from 'node:crypto';
import { canonicalHash } from '../engine/canonical-json';
import {
  EQUITY_POOL,
  INSTANCE_ACTOR_PREFIX,
  REVERSAL,
  type ContributionEvent,
  type PeriodSnapshot,
  type SnapshotEvent,
  type SnapshotMember,
} from '../engine/snapshot';

/**
 * The snapshot a close publishes and runs (ADR 0022): everything a replay needs, no private fact.
 * `internalInputHash` commits to the snapshot the platform built (handles, post and like ids,
 * payment ids), which stays in the database: an auditor holding it and the period's key can
 * derive this document again and check both hashes.
 */
export type PublishedSnapshot = PeriodSnapshot & { readonly internalInputHash: string };

const DAY_MS = 86_400_000;
/** 96 bits of SHA-256: collisions among a million names are ~2^-57 likely. */
const NAME_HEX = 24;

/** A new period key: 256 random bits, hex. Never published. */
export const newPseudonymKey = (): string => randomBytes(32).toString('hex');

/** One-shot SHA-256 (`hash`, ~6× faster than createHash per short string: a close hashes ~1M). */
const keyed = (key: string, kind: string, value: string) =>
  hash('sha256', `${key}:${kind}:${value}`, 'hex').slice(0, NAME_HEX);

/**
 * A member's name in one period's published snapshot and result: `m-` and 96 bits of
 * SHA-256(key ‖ ":member:" ‖ username). The key is fixed-length and secret and the output
 * truncated, so without the key a name says nothing (and cannot be extended or linked to the
 * member's name in another period). The transparency repository computes the same in SQL.
 */
export const memberPseudonym = (key: string, username: string): string => `m-${keyed(key, 'member', username)}`;

/** The SQL of memberPseudonym for a period row `p` and a username parameter. */
export const memberPseudonymSql = (period: string, username: string): string =>
  `'m-' || left(encode(sha256(convert_to(${period}.pseudonym_key || ':member:' || ${username}, 'UTF8')), 'hex'), ${NAME_HEX})`;

/**
 * The published snapshot of `internal` under `key` (deterministic: verify derives it again):
 * - members by pseudonym; only those an event names, and (with an EQUITY pool) the active ones
 *   holding vested units; `joinedAt` is the eligibility boundary (`end − minMemberAgeDays`) for a
 *   member old enough and one millisecond after it for one too young (the exact admission time
 *   would link a pseudonym across periods); `vestedUnits` only when EQUITY uses them, else 0;
 * - duplicates and reversed events left out, reversals too (they score nothing, SPEC §4.1–§4.2);
 * - `amount` events (SPENT: payments and refunds) summed per member and type, one event each: no
 *   provider id, no single payment;
 * - object and event ids keyed hashes (the budget rule counts distinct objects: still distinct);
 * - `instance:HOST` engagement kept only for federated hosts (others score nothing);
 * - members and events in code-point order of their new ids (recording order says nothing).
 * Scoring and allocation are those of `internal`, but member ids order the lrm ties: so the
 * close runs the engine on this document, never on `internal`.
 */
export function publishSnapshot(internal: PeriodSnapshot, key: string): PublishedSnapshot {
  return publish(internal, key).snapshot;
}

/** publishSnapshot, and the pseudonym of each member it lists (by username). */
export function publish(
  internal: PeriodSnapshot,
  key: string,
): { snapshot: PublishedSnapshot; pseudonyms: ReadonlyMap<string, string> } {
  const seen = new Set<string>();
  const kept: ContributionEvent[] = [];
  const reversed = new Set<string>();
  for (const event of internal.events) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    if (event.type === REVERSAL) reversed.add((event as { reverses: string }).reverses);
    else kept.push(event as ContributionEvent);
  }
  const { events: _events, ...head } = internal;
  const publisher = new SnapshotPublisher(head, key, reversed);
  publisher.add(kept);
  return publisher.finish(canonicalHash(internal));
}

/**
 * publish() for events that arrive in chunks (a close streams them from the database, never
 * holding the internal snapshot): `reversed` holds the id every REVERSAL of the snapshot
 * reverses, known before the events; `add` takes the events in snapshot order, each id once
 * (a REVERSAL among them is skipped: `reversed` has what it does); `finish` takes the internal
 * snapshot's canonical hash (CanonicalArrayHash over the same chunks) and gives what publish()
 * gives for the whole internal snapshot.
 */
export class SnapshotPublisher {
  private readonly types: PeriodSnapshot['parameters']['contributionTypes'];
  private readonly federated: ReadonlySet<string>;
  private readonly pseudonyms = new Map<string, string>();
  private readonly objects = new Map<string, string>();
  private readonly named = new Set<string>();
  private readonly events: ContributionEvent[] = [];
  private readonly sums = new Map<string, { type: string; member: string; amount: number }>();
  /** Internal events added (reversals and reversed ones included). */
  recorded = 0;

  constructor(
    private readonly head: Omit<PeriodSnapshot, 'events'>,
    private readonly key: string,
    private readonly reversed: ReadonlySet<string>,
  ) {
    this.types = head.parameters.contributionTypes;
    this.federated = new Set(head.parameters.federatedInstances ?? []);
  }

  add(events: readonly SnapshotEvent[]): void {
    this.recorded += events.length;
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      if (event.type === REVERSAL || this.reversed.has(event.id)) continue;
      this.addContribution(event as ContributionEvent);
    }
  }

  private addContribution(event: ContributionEvent): void {
    const rule = this.types[event.type]?.rule;
    if (rule === 'amount') {
      const sumKey = `${event.type}\u0000${event.member}`;
      const sum = this.sums.get(sumKey) ?? { type: event.type, member: event.member, amount: 0 };
      sum.amount += event.amount ?? 0;
      this.sums.set(sumKey, sum);
      this.named.add(event.member);
      return;
    }
    let actor: string | undefined;
    if (event.actor !== undefined) {
      if (event.actor.startsWith(INSTANCE_ACTOR_PREFIX)) {
        if (!this.federated.has(event.actor.slice(INSTANCE_ACTOR_PREFIX.length))) return;
        actor = event.actor;
      } else {
        this.named.add(event.actor);
        actor = this.pseudonym(event.actor);
      }
    }
    this.named.add(event.member);
    // Built property by property (no spreads): a close publishes up to a million of these.
    const published: { -readonly [K in keyof ContributionEvent]: ContributionEvent[K] } = {
      id: `e-${keyed(this.key, 'event', event.id)}`,
      type: event.type,
      member: this.pseudonym(event.member),
    };
    if (actor !== undefined) published.actor = actor;
    if (event.object !== undefined) published.object = this.object(event.object);
    if (event.amount !== undefined) published.amount = event.amount;
    this.events.push(published);
  }

  private pseudonym(username: string): string {
    let name = this.pseudonyms.get(username);
    if (name === undefined) this.pseudonyms.set(username, (name = memberPseudonym(this.key, username)));
    return name;
  }

  private object(value: string): string {
    let name = this.objects.get(value);
    if (name === undefined) this.objects.set(value, (name = `o-${keyed(this.key, 'object', value)}`));
    return name;
  }

  finish(internalInputHash: string): { snapshot: PublishedSnapshot; pseudonyms: ReadonlyMap<string, string> } {
    const { head, events } = this;
    const { parameters } = head;
    for (const sum of this.sums.values()) {
      events.push({
        id: `e-${keyed(this.key, 'sum', `${sum.type}:${sum.member}`)}`,
        type: sum.type,
        member: this.pseudonym(sum.member),
        amount: sum.amount,
      });
    }
    this.sums.clear();
    const equity = EQUITY_POOL in parameters.pools;
    const boundary = Date.parse(head.period.end) - parameters.minMemberAgeDays * DAY_MS;
    const members: SnapshotMember[] = head.members
      .filter((m) => this.named.has(m.id) || (equity && m.status === 'active' && m.vestedUnits > 0))
      .map((m) => ({
        id: this.pseudonym(m.id),
        joinedAt: new Date(Date.parse(m.joinedAt) <= boundary ? boundary : boundary + 1).toISOString(),
        status: m.status,
        vestedUnits: equity ? m.vestedUnits : 0,
      }));

    const snapshot: PublishedSnapshot = {
      format: head.format,
      period: head.period,
      parameters: head.parameters,
      opening: head.opening,
      money: head.money,
      members: members.sort((a, b) => codePointCompare(a.id, b.id)),
      events: events.sort((a, b) => codePointCompare(a.id, b.id)),
      internalInputHash,
    };
    return { snapshot, pseudonyms: this.pseudonyms };
  }
}

/** Ids here are ASCII, where UTF-16 order is code-point order. */
const codePointCompare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
