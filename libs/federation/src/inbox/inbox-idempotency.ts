import { AsyncLocalStorage } from 'node:async_hooks';
import type { KvKey, KvStore, KvStoreSetOptions } from '@fedify/fedify';
import type { Activity } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { Temporal } from '@js-temporal/polyfill';
import type { EntityManager } from 'typeorm';
import { PostgresKvStore } from '../kv/postgres-kv.store';

const PREFIX = ['guildhall', 'inboxAccepted'] as const;
/** Where Fedify keeps its own record (its default `kvPrefixes.activityIdempotence`), id alone. */
const FEDIFY_PREFIX = `${JSON.stringify(['_fedify', 'activityIdempotence']).slice(0, -1)},`;
/** Longer than any signature stays valid (at most created + 13 h, http/signature-window.ts). */
const RECORD_TTL = Temporal.Duration.from({ days: 1 });

/**
 * The inbound activities already processed (FEDERATION.md: one effect per activity id, whichever
 * inbox it reaches). Recorded only for an activity a handler accepted (verified, authorised, not
 * refused through InboxSupport.refuse), keyed by its actor's origin and its id: the actor is the
 * verified signer (keys/key-ownership.ts), so no server can record, and so drop, another's id, and
 * an activity refused today (not related to us yet) is processed when it comes again. Fedify's
 * own record, keyed by the id alone and written whatever the listener decided, is turned off by
 * {@link withoutFedifyIdempotence} (ADR 0017).
 */
@Injectable()
export class InboxIdempotency {
  private readonly outcome = new AsyncLocalStorage<{ refused: boolean }>();

  constructor(private readonly kv: PostgresKvStore) {}

  /** Runs `handle` unless this actor's activity with this id was accepted before; records it if accepted now. */
  async once(activity: Activity, handle: () => Promise<void>): Promise<void> {
    const key = recordKey(activity);
    if (key && (await this.kv.get(key)) === true) return;
    const outcome = { refused: false };
    await this.outcome.run(outcome, handle);
    if (key && !outcome.refused)
      await this.kv.set(key, true, { ttl: RECORD_TTL as unknown as KvStoreSetOptions['ttl'] });
  }

  /**
   * The record's key for an activity by its actor's id and its own (a batch reads them from the
   * JSON, as URLs parsed the way Fedify parses them), null when either is not a URL.
   */
  keyOf(actorUri: string, activityId: string): KvKey | null {
    try {
      return [...PREFIX, new URL(actorUri).origin, new URL(activityId).href];
    } catch {
      return null;
    }
  }

  /** Which of `keys` were accepted before (one query): their encoded forms. */
  async acceptedAmong(keys: readonly KvKey[]): Promise<Set<string>> {
    const stored = await this.kv.getMany(keys);
    return new Set([...stored].filter(([, value]) => value === true).map(([key]) => key));
  }

  /** Records activities accepted now, in the transaction of their effects (a batch's). */
  recordAll(manager: EntityManager, keys: readonly KvKey[]): Promise<void> {
    return this.kv.setMany(manager, keys, true, RECORD_TTL.total('millisecond'));
  }

  /** The activity being handled was refused: it is not recorded. */
  refused(): void {
    const outcome = this.outcome.getStore();
    if (outcome) outcome.refused = true;
  }
}

/** The encoded form of a key, as `acceptedAmong` answers it. */
export const encodedKey = (key: KvKey): string => JSON.stringify(key);

function recordKey(activity: Activity): KvKey | null {
  if (!activity.id || !activity.actorId) return null;
  return [...PREFIX, activity.actorId.origin, activity.id.href];
}

/** Fedify's view of the KV store, without Fedify's inbox idempotency records (InboxIdempotency keeps ours). */
export function withoutFedifyIdempotence(kv: KvStore): KvStore {
  const fedifys = (key: KvKey) => JSON.stringify(key).startsWith(FEDIFY_PREFIX);
  return {
    get: (key) => (fedifys(key) ? Promise.resolve(undefined) : kv.get(key)),
    set: (key, value, options) => (fedifys(key) ? Promise.resolve() : kv.set(key, value, options)),
    delete: (key) => kv.delete(key),
    list: kv.list ? (prefix) => kv.list(prefix) : undefined,
    cas: kv.cas ? (key, expected, value, options) => kv.cas!(key, expected, value, options) : undefined,
  } as KvStore;
}
