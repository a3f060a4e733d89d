import type { Instant } from './rfc3339';
import { StringIndex } from './string-index';

/** The event type index of a REVERSAL. */
export const REVERSAL_TYPE = -1;

/**
 * What validation learns about a snapshot's names while it checks them, kept so scoring does not
 * look up a million strings again: each event's type, member and actor as numbers, the first
 * event of each id, and which events are redeliveries. Only meaningful for a valid snapshot.
 */
export class SnapshotIndex {
  /** Member id → its index in `members` (the first, if an id repeats). */
  readonly memberIndex = new Map<string, number>();
  /** Each member's `joinedAt`, parsed. */
  readonly joinedAt: Instant[] = [];
  /** Contribution type names; an event's type is an index into this, or REVERSAL_TYPE. */
  readonly typeNames: string[] = [];
  /** Hosts of the `instance:HOST` actors the events name; an instance actor is `−2 − host index`. */
  readonly instanceHosts: string[] = [];
  private readonly hostIndex = new Map<string, number>();
  /** Event id → the index of its first event (a million of them: a StringIndex, not a Map). */
  readonly firstEvent: StringIndex;
  readonly eventType: Int32Array;
  /** The event's member (author) index. */
  readonly eventMember: Int32Array;
  /** The event's actor: a member index, `−2 − host index`, or −1 when it has none. */
  readonly eventActor: Int32Array;
  /** 1 for an event whose id an earlier event has: a redelivery, which counts once. */
  readonly redelivered: Uint8Array;

  /** `byId`: false when the events' ids are known distinct and no REVERSAL looks one up (columns). */
  constructor(eventCount: number, byId = true) {
    this.firstEvent = new StringIndex(byId ? eventCount : 0);
    this.eventType = new Int32Array(eventCount);
    this.eventMember = new Int32Array(eventCount);
    this.eventActor = new Int32Array(eventCount).fill(-1);
    this.redelivered = new Uint8Array(eventCount);
  }

  /** The actor code of `instance:HOST` (registering HOST on first sight). */
  instanceActor(host: string): number {
    let index = this.hostIndex.get(host);
    if (index === undefined) {
      index = this.instanceHosts.push(host) - 1;
      this.hostIndex.set(host, index);
    }
    return -2 - index;
  }
}
