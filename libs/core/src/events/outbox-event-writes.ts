import type { NewOutboxEvent, WrittenDelivery } from './outbox.repository';

// The SQL that writes events and their deliveries in one statement: OutboxRepository's insertMany and insertWith.

/** A row of `eventCtes`' result: an event (its place, 1-based) and one of its deliveries, if any. */
export interface WrittenRow {
  ord: number;
  event_id: string;
  subscriber: string | null;
  leased: boolean | null;
}

/**
 * The CTEs that write events and their deliveries (`insertMany`, `insertWith`): `src` draws the
 * events' ids from their sequence in their order, `e` writes them, `d` writes each subscriber's
 * delivery, leased to the token unless an earlier event of the aggregate is undelivered outside
 * this statement's batch. Parameters (`$(1)`…`$(8)`) as `eventParams` lays them out, and `$(9)`
 * the events' keys when `only` (a condition on `u.key`) filters them.
 */
export function eventCtes($: (k: number) => string, only: string | null): string {
  const key = only ? `, ${$(9)}::text[]` : '';
  return `src AS MATERIALIZED (
       SELECT nextval(pg_get_serial_sequence('domain_events', 'id')) AS id, u.ord, u.name, u.aggregate, u.payload,
              u.occurred_at
         FROM (SELECT * FROM unnest(${$(1)}::text[], ${$(2)}::text[], ${$(3)}::jsonb[], ${$(4)}::timestamptz[]${key})
                 WITH ORDINALITY AS u(name, aggregate, payload, occurred_at${only ? ', key' : ''}, ord)
                ${only ? `WHERE ${only}` : ''} ORDER BY ord) u),
     e AS (
       INSERT INTO domain_events (id, name, aggregate, payload, occurred_at)
       SELECT id, name, aggregate, payload, occurred_at FROM src
       RETURNING id),
     d AS (
       INSERT INTO domain_event_deliveries (event_id, subscriber, aggregate, lease_until, lease_token)
       SELECT src.id, x.subscriber, src.aggregate,
              CASE WHEN b.blocked THEN NULL ELSE clock_timestamp() + ${$(7)} * interval '1 millisecond' END,
              CASE WHEN b.blocked THEN NULL ELSE ${$(8)}::uuid END
         FROM unnest(${$(5)}::bigint[], ${$(6)}::text[]) AS x(ord, subscriber)
         JOIN src ON src.ord = x.ord JOIN e ON e.id = src.id,
              LATERAL (SELECT EXISTS (
                SELECT 1 FROM domain_event_deliveries p
                 WHERE p.subscriber = x.subscriber AND p.aggregate = src.aggregate AND p.state <> 'done'
                   AND p.lease_token IS DISTINCT FROM ${$(8)}::uuid) AS blocked) b
       RETURNING event_id, subscriber, lease_token IS NOT NULL AS leased)`;
}

/** `eventCtes`' parameters 1 to 8: the events as columns, their deliveries as (place, subscriber), the lease. */
export function eventParams(
  events: readonly Omit<NewOutboxEvent, 'token' | 'leaseMs'>[],
  leaseMs: number,
  token: string,
) {
  const flat = events.flatMap((event, i) => event.subscribers.map((subscriber) => ({ i, subscriber })));
  return [
    events.map((event) => event.name),
    events.map((event) => event.aggregate),
    events.map((event) => JSON.stringify(event.payload)),
    events.map((event) => event.occurredAt),
    flat.map(({ i }) => i + 1),
    flat.map(({ subscriber }) => subscriber),
    leaseMs,
    token,
  ];
}

/** The events `rows` say were written, in their order (`i`: their index), each with its deliveries in its subscribers' order. */
export function writtenEvents(
  events: readonly { subscribers: readonly string[] }[],
  rows: WrittenRow[],
): { i: number; eventId: string; deliveries: WrittenDelivery[] }[] {
  const byIndex = new Map<number, { i: number; eventId: string; deliveries: WrittenDelivery[] }>();
  for (const row of rows) {
    const i = row.ord - 1;
    const entry = byIndex.get(i) ?? { i, eventId: row.event_id, deliveries: [] };
    byIndex.set(i, entry);
    if (row.subscriber !== null) entry.deliveries.push({ subscriber: row.subscriber, leased: row.leased === true });
  }
  return [...byIndex.values()]
    .sort((a, b) => a.i - b.i)
    .map((entry) => {
      const subscribers = events[entry.i].subscribers;
      entry.deliveries.sort((x, y) => subscribers.indexOf(x.subscriber) - subscribers.indexOf(y.subscriber));
      return entry;
    });
}
