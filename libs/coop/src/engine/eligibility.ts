import { compareInstants, minusDays, parseRfc3339, type Instant } from './rfc3339';
import type { PeriodSnapshot } from './snapshot';
import type { SnapshotIndex } from './snapshot-index';

/**
 * SPEC §4.3 and §4.6 by index: a member is eligible iff `status = "active"` and
 * `joinedAt ≤ period.end − minMemberAgeDays`; an `instance:HOST` actor iff HOST is in
 * `federatedInstances`.
 */
export class Eligibility {
  private readonly members: Uint8Array;
  private readonly hosts: Uint8Array;

  constructor(snapshot: PeriodSnapshot, index: SnapshotIndex) {
    const cutoff = minusDays(instant(snapshot.period.end), snapshot.parameters.minMemberAgeDays);
    this.members = new Uint8Array(snapshot.members.length);
    snapshot.members.forEach((member, i) => {
      const joinedAt = index.joinedAt[i] ?? instant(member.joinedAt);
      if (member.status === 'active' && compareInstants(joinedAt, cutoff) <= 0) this.members[i] = 1;
    });
    const allowed = new Set(snapshot.parameters.federatedInstances ?? []);
    this.hosts = Uint8Array.from(index.instanceHosts, (host) => (allowed.has(host) ? 1 : 0));
  }

  /** Whether the member at `member` (an index) earns points. */
  member(member: number): boolean {
    return this.members[member] === 1;
  }

  /** Whether an actor (SnapshotIndex.eventActor) may spend an engagement budget. */
  actor(actor: number): boolean {
    return actor >= 0 ? this.members[actor] === 1 : actor <= -2 && this.hosts[-2 - actor] === 1;
  }
}

function instant(text: string): Instant {
  const parsed = parseRfc3339(text);
  if (!parsed) throw new TypeError(`not an RFC 3339 timestamp: ${text} (validate the snapshot first)`);
  return parsed;
}
