import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { preparedStatement } from '../database/prepared-statement';
import { DeliveryState } from './outbox-delivery.entity';
import { eventCtes, eventParams, writtenEvents, type WrittenRow } from './outbox-event-writes';

/** The NOTIFY channel that wakes the relays: work became due, or a blocked delivery was unblocked. */
export const EVENTS_CHANNEL = 'guildhall_events';

export interface NewOutboxEvent {
  name: string;
  aggregate: string;
  payload: object;
  occurredAt: Date;
  subscribers: readonly string[];
  /** The inline dispatcher's lease: token and length. */
  token: string;
  leaseMs: number;
}

/** A subscriber's delivery as written: `leased` false when an earlier event of the aggregate is still pending. */
export interface WrittenDelivery {
  subscriber: string;
  leased: boolean;
}

/**
 * A statement of another lib that writes its own rows and returns them (`RETURNING`, with an `id`
 * column), with its parameters ($1 … $n): `insertWith` runs it and the outbox's inserts as one.
 */
export interface RowsWrite {
  sql: string;
  params: unknown[];
  /** The text is always the same for this call site (one row, say): it is run as a prepared statement. */
  constant?: boolean;
}

export interface DeliveryKey {
  eventId: string;
  subscriber: string;
}

/** A delivery a relay claimed, with its event. */
export interface ClaimedDelivery extends DeliveryKey {
  name: string;
  aggregate: string;
  payload: object;
  occurredAt: Date;
  attempts: number;
}

export interface FailedAttempt extends DeliveryKey {
  token: string;
  attempts: number;
  state: DeliveryState.Pending | DeliveryState.Dead;
  delayMs: number;
  error: string;
}

/** A delivery as `guildhall events` lists it. */
export interface DeliveryRecord extends DeliveryKey {
  name: string;
  aggregate: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  occurredAt: Date;
}

/** No earlier event of the same aggregate is undelivered to the same subscriber (alias `c`). */
const IN_ORDER = `NOT EXISTS (
  SELECT 1 FROM domain_event_deliveries p
   WHERE p.subscriber = c.subscriber AND p.aggregate = c.aggregate AND p.event_id < c.event_id AND p.state <> 'done')`;

/**
 * `insert`'s statement. Not prepared: its generic plan took 3.9 ms against 0.55 ms planned for
 * its aggregate (ADR 0067).
 */
const INSERT_EVENT_SQL = `WITH e AS (
   INSERT INTO domain_events (name, aggregate, payload, occurred_at) VALUES ($1, $2, $3::jsonb, $4) RETURNING id)
 INSERT INTO domain_event_deliveries (event_id, subscriber, aggregate, lease_until, lease_token)
 SELECT e.id, s.subscriber, $2,
        CASE WHEN b.blocked THEN NULL ELSE clock_timestamp() + $6 * interval '1 millisecond' END,
        CASE WHEN b.blocked THEN NULL ELSE $7::uuid END
   FROM e, unnest($5::text[]) AS s(subscriber),
        LATERAL (SELECT EXISTS (
          SELECT 1 FROM domain_event_deliveries p
           WHERE p.subscriber = s.subscriber AND p.aggregate = $2 AND p.state <> 'done'
             AND p.lease_token IS DISTINCT FROM $7::uuid) AS blocked) b
 RETURNING event_id, subscriber, lease_token IS NOT NULL AS leased`;

/**
 * `markDone`'s statement. Not prepared: its generic plan joins the keys' array by hash over the
 * whole table (5.7 ms a call against 0.83 ms planned and run for the keys at hand, ADR 0067).
 */
const MARK_DONE_SQL = `WITH done AS (
   UPDATE domain_event_deliveries d
      SET state = 'done', attempts = d.attempts + 1, lease_until = NULL, lease_token = NULL, updated_at = now()
     FROM unnest($1::bigint[], $2::text[]) AS k(event_id, subscriber),
          (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
    WHERE d.event_id = k.event_id AND d.subscriber = k.subscriber AND d.state = 'pending'
   RETURNING d.event_id, d.subscriber, d.aggregate)
 SELECT pg_notify('${EVENTS_CHANNEL}', 'unblocked') FROM done
  WHERE EXISTS (SELECT 1 FROM domain_event_deliveries w
                 WHERE w.subscriber = done.subscriber AND w.aggregate = done.aggregate
                   AND w.event_id > done.event_id AND w.state = 'pending')
  LIMIT 1`;

const keysOf = (keys: DeliveryKey[]) => [keys.map((k) => k.eventId), keys.map((k) => k.subscriber)];

/** The outbox's SQL: the events and each subscriber's delivery of them. */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Writes the event and one delivery per subscriber, in the caller's transaction. A delivery is
   * leased to the inline dispatcher (`token`) unless an earlier event of the aggregate is still
   * undelivered to that subscriber outside this transaction: that one the relay delivers in order.
   */
  async insert(
    manager: EntityManager,
    event: NewOutboxEvent,
  ): Promise<{ eventId: string; deliveries: WrittenDelivery[] }> {
    const rows: { event_id: string; subscriber: string; leased: boolean }[] = await manager.query(INSERT_EVENT_SQL, [
      event.name,
      event.aggregate,
      JSON.stringify(event.payload),
      event.occurredAt,
      event.subscribers,
      event.leaseMs,
      event.token,
    ]);
    return {
      eventId: rows[0]?.event_id ?? '',
      deliveries: rows.map((row) => ({ subscriber: row.subscriber, leased: row.leased })),
    };
  }

  /**
   * Writes many events and their deliveries in the caller's transaction, in one statement
   * whatever their number (`insert`'s rule for each: a delivery is leased to `token` unless an
   * earlier event of its aggregate is undelivered outside this transaction). The events' ids are
   * drawn from their sequence in order (after the sort, in the statement itself), so each event
   * keeps its place and its deliveries.
   */
  async insertMany(
    manager: EntityManager,
    events: readonly Omit<NewOutboxEvent, 'token' | 'leaseMs'>[],
    token: string,
    leaseMs: number,
  ): Promise<{ eventId: string; deliveries: WrittenDelivery[] }[]> {
    if (!events.length) return [];
    const rows: WrittenRow[] = await manager.query(
      `WITH ${eventCtes((k) => `$${k}`, null)}
       SELECT src.ord::int AS ord, src.id::text AS event_id, d.subscriber, d.leased
         FROM src LEFT JOIN d ON d.event_id = src.id`,
      eventParams(events, leaseMs, token),
    );
    return writtenEvents(events, rows).map(({ eventId, deliveries }) => ({ eventId, deliveries }));
  }

  /**
   * Runs `write` (another lib's INSERT of its own rows, `RETURNING` an `id`) and, in the same
   * autocommit statement, writes the event of each row it wrote: `events[i].key` is the id of the
   * row the event is about, and an event whose row was not written (ON CONFLICT DO NOTHING) is not
   * written either. One statement instead of BEGIN, the INSERT, the events' INSERT and COMMIT; the
   * rows and their events commit together or not at all. Returns the rows written (as JSON: dates
   * are ISO strings) and each written event with its deliveries (`insertMany`'s leases).
   */
  async insertWith(
    write: RowsWrite,
    events: readonly (Omit<NewOutboxEvent, 'token' | 'leaseMs'> & { key: string })[],
    token: string,
    leaseMs: number,
  ): Promise<{
    rows: Record<string, unknown>[];
    written: { key: string; eventId: string; deliveries: WrittenDelivery[] }[];
  }> {
    const n = write.params.length;
    const $ = (k: number) => `$${n + k}`;
    const text = `WITH w AS (${write.sql}),
       ${eventCtes($, `u.key IN (SELECT w.id::text FROM w)`)}
       SELECT (SELECT coalesce(json_agg(w), '[]'::json) FROM w) AS rows,
              (SELECT coalesce(json_agg(json_build_object('ord', src.ord, 'event_id', src.id::text,
                                                          'subscriber', d.subscriber, 'leased', d.leased)), '[]'::json)
                 FROM src LEFT JOIN d ON d.event_id = src.id) AS deliveries`;
    const [result]: { rows: Record<string, unknown>[]; deliveries: WrittenRow[] }[] = await this.dataSource.query(
      write.constant ? preparedStatement(text, { constant: true }) : text,
      [...write.params, ...eventParams(events, leaseMs, token), events.map((event) => event.key)],
    );
    const written = writtenEvents(events, result.deliveries).map(({ i, eventId, deliveries }) => ({
      key: events[i].key,
      eventId,
      deliveries,
    }));
    return { rows: result.rows, written };
  }

  /**
   * Marks deliveries done; wakes the relays when a later event of the same aggregate waits for
   * them. Committed without waiting for the WAL flush (synchronous_commit off, this transaction
   * only): a mark lost in a crash leaves the delivery leased, and the relay redelivers it to its
   * idempotent subscriber once the lease expires (docs/adr/0016).
   */
  async markDone(keys: DeliveryKey[]): Promise<void> {
    // One autocommit statement: set_config(…, true) lasts to the end of its own transaction, so
    // the commit skips the WAL flush without a BEGIN/SET LOCAL/COMMIT round trip each.
    await this.dataSource.query(MARK_DONE_SQL, keysOf(keys));
  }

  /** Records a failed try (the lease holder's only): retry later, or park it; wakes the relays. */
  async markFailed(failure: FailedAttempt): Promise<void> {
    await this.dataSource.query(
      `WITH failed AS (
         UPDATE domain_event_deliveries
            SET attempts = $4, state = $5, next_attempt_at = clock_timestamp() + $6 * interval '1 millisecond',
                lease_until = NULL, lease_token = NULL, last_error = $7, updated_at = now()
          WHERE event_id = $1 AND subscriber = $2 AND state = 'pending' AND lease_token = $3
         RETURNING 1)
       SELECT pg_notify('${EVENTS_CHANNEL}', 'failed') FROM failed LIMIT 1`,
      [
        failure.eventId,
        failure.subscriber,
        failure.token,
        failure.attempts,
        failure.state,
        failure.delayMs,
        failure.error,
      ],
    );
  }

  /** Gives leased deliveries back at once (this process cannot run them): the relays take them. */
  async release(keys: DeliveryKey[], token: string): Promise<void> {
    await this.dataSource.query(
      `WITH released AS (
         UPDATE domain_event_deliveries d SET lease_until = NULL, lease_token = NULL
           FROM unnest($1::bigint[], $2::text[]) AS k(event_id, subscriber)
          WHERE d.event_id = k.event_id AND d.subscriber = k.subscriber AND d.lease_token = $3
         RETURNING 1)
       SELECT pg_notify('${EVENTS_CHANNEL}', 'released') FROM released LIMIT 1`,
      [...keysOf(keys), token],
    );
  }

  /**
   * Leases up to `limit` due deliveries to `subscribers` whose lease (if any) expired, oldest
   * first, skipping those behind an undelivered earlier event of their aggregate and those
   * another relay is claiming (SKIP LOCKED): each is handed to one relay.
   */
  async claim(subscribers: string[], token: string, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
    const rows: {
      event_id: string;
      subscriber: string;
      attempts: number;
      name: string;
      aggregate: string;
      payload: object;
      occurred_at: Date;
    }[] = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE domain_event_deliveries d
            SET lease_until = clock_timestamp() + $3 * interval '1 millisecond', lease_token = $2
           FROM (SELECT c.event_id, c.subscriber FROM domain_event_deliveries c
                  WHERE c.state = 'pending' AND c.next_attempt_at <= clock_timestamp()
                    AND (c.lease_until IS NULL OR c.lease_until < clock_timestamp())
                    AND c.subscriber = ANY($1::text[]) AND ${IN_ORDER}
                  ORDER BY c.event_id LIMIT $4 FOR UPDATE SKIP LOCKED) picked
          WHERE d.event_id = picked.event_id AND d.subscriber = picked.subscriber
         RETURNING d.event_id, d.subscriber, d.attempts)
       SELECT c.event_id, c.subscriber, c.attempts, e.name, e.aggregate, e.payload, e.occurred_at
         FROM claimed c JOIN domain_events e ON e.id = c.event_id ORDER BY c.event_id`,
      [subscribers, token, leaseMs, limit],
    );
    return rows.map((row) => ({
      eventId: row.event_id,
      subscriber: row.subscriber,
      attempts: row.attempts,
      name: row.name,
      aggregate: row.aggregate,
      payload: row.payload,
      occurredAt: row.occurred_at,
    }));
  }

  /** Milliseconds until the next claimable delivery is due (0: now), null when none is pending. */
  async nextDueMs(subscribers: string[]): Promise<number | null> {
    // GREATEST ignores NULLs: without the filter, "none pending" (min is NULL) would read as "due now".
    const rows: { ms: number | null }[] = await this.dataSource.query(
      `SELECT (GREATEST(0, extract(epoch FROM due - clock_timestamp()) * 1000))::float8 AS ms
         FROM (SELECT min(GREATEST(c.next_attempt_at, COALESCE(c.lease_until, c.next_attempt_at))) AS due
                 FROM domain_event_deliveries c
                WHERE c.state = 'pending' AND c.subscriber = ANY($1::text[]) AND ${IN_ORDER}) next
        WHERE due IS NOT NULL`,
      [subscribers],
    );
    return rows[0]?.ms ?? null;
  }

  /**
   * Pending deliveries, and how long the most overdue of them has been due (0 when none is):
   * both read from the partial index on next_attempt_at of pending rows (a scrape runs this).
   */
  async pendingLag(): Promise<{ pending: number; lagSeconds: number }> {
    const rows: { pending: number; lag: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS pending,
              COALESCE(GREATEST(0, extract(epoch FROM clock_timestamp() - min(next_attempt_at))), 0)::float8 AS lag
         FROM domain_event_deliveries WHERE state = 'pending'`,
    );
    return { pending: rows[0]?.pending ?? 0, lagSeconds: rows[0]?.lag ?? 0 };
  }

  /** Deletes up to `limit` events delivered to every subscriber longer than `retainMs` ago; returns how many. */
  async prune(retainMs: number, limit: number): Promise<number> {
    const rows: unknown[] = await this.dataSource.query(
      // Wrapped in a SELECT: TypeORM answers a bare DELETE … RETURNING with [rows, count].
      `WITH pruned AS (
         DELETE FROM domain_events WHERE id IN (
           SELECT e.id FROM domain_events e
            WHERE e.occurred_at < clock_timestamp() - $1 * interval '1 millisecond'
              AND NOT EXISTS (SELECT 1 FROM domain_event_deliveries d WHERE d.event_id = e.id AND d.state <> 'done')
            ORDER BY e.id LIMIT $2)
         RETURNING id)
       SELECT id FROM pruned`,
      [retainMs, limit],
    );
    return rows.length;
  }

  /** Deliveries in `states`, oldest event first. */
  async list(states: DeliveryState[], limit: number): Promise<DeliveryRecord[]> {
    const rows: {
      event_id: string;
      subscriber: string;
      name: string;
      aggregate: string;
      state: DeliveryState;
      attempts: number;
      next_attempt_at: Date;
      last_error: string | null;
      occurred_at: Date;
    }[] = await this.dataSource.query(
      `SELECT d.event_id, d.subscriber, e.name, d.aggregate, d.state, d.attempts, d.next_attempt_at, d.last_error,
              e.occurred_at
         FROM domain_event_deliveries d JOIN domain_events e ON e.id = d.event_id
        WHERE d.state = ANY($1::text[])
        ORDER BY d.event_id, d.subscriber LIMIT $2`,
      [states, limit],
    );
    return rows.map((row) => ({
      eventId: row.event_id,
      subscriber: row.subscriber,
      name: row.name,
      aggregate: row.aggregate,
      state: row.state,
      attempts: row.attempts,
      nextAttemptAt: row.next_attempt_at,
      lastError: row.last_error,
      occurredAt: row.occurred_at,
    }));
  }

  /**
   * Re-queues dead deliveries (of one event, optionally one subscriber; or all when `eventId` is
   * null) with fresh attempts, due now; wakes the relays. Returns what was re-queued.
   */
  async retryDead(eventId: string | null, subscriber: string | null): Promise<DeliveryKey[]> {
    const rows: { event_id: string; subscriber: string }[] = await this.dataSource.query(
      `WITH retried AS (
         UPDATE domain_event_deliveries
            SET state = 'pending', attempts = 0, next_attempt_at = clock_timestamp(), lease_until = NULL,
                lease_token = NULL, updated_at = now()
          WHERE state = 'dead' AND ($1::bigint IS NULL OR event_id = $1::bigint)
            AND ($2::text IS NULL OR subscriber = $2::text)
         RETURNING event_id, subscriber)
       SELECT event_id, subscriber FROM retried ORDER BY event_id, subscriber`,
      [eventId, subscriber],
    );
    if (rows.length) await this.dataSource.query(`SELECT pg_notify('${EVENTS_CHANNEL}', 'retried')`);
    return rows.map((row) => ({ eventId: row.event_id, subscriber: row.subscriber }));
  }
}
