import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { REVERSAL, type MemberStatus, type PeriodSnapshot, type SnapshotEvent } from '../engine/snapshot';
import type { CoopPeriodEntity } from './coop-period.entity';
import { settledLater, whenSent } from './in-flight';

/** Events per query of a close's snapshot (see snapshotEvents). */
const EVENTS_CHUNK = 125_000;
/** The largest bigint: no upper bound on the events read. */
const MAX_SEQ = '9223372036854775807';

interface EventsChunk {
  text: string;
  through: number;
  count: number;
}

export interface MemberRow {
  id: string;
  accountId: string;
  joinedAt: string;
  status: MemberStatus;
  vestedUnits: number;
}

/** A timestamptz as JavaScript's `toISOString()` writes it (UTC, milliseconds, `Z`). */
const isoTimestamp = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * What a close (or its preview) reads into its snapshot, in the close's transaction: the members
 * with their vested units, the events streamed in seq order a chunk at a time, the reversals, and
 * the money. Writing and locking periods is CoopPeriodRepository's.
 */
@Injectable()
export class CloseSnapshotReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Every admitted member (pending applications are not members), with vested units from the
   * ledger, in code-point order of their ids. The rows travel as one JSON text, parsed once (a
   * hundred thousand rows through the driver, with a Date parsed per row, took ~1 s at a close).
   * `only`: these accounts' memberships only (a preview's).
   */
  async snapshotMembers(
    manager: EntityManager = this.dataSource.manager,
    only?: readonly string[],
  ): Promise<MemberRow[]> {
    const [row]: { members: string | null }[] = await manager.query(
      `SELECT json_agg(json_build_array(a.username, m.account_id, ${isoTimestamp('m.joined_at')}, m.status,
                                        coalesce(v.vested, 0)) ORDER BY a.username COLLATE "C")::text AS members
         FROM coop_members m
         JOIN accounts a ON a.id = m.account_id
         LEFT JOIN (
           SELECT p.member_id, -SUM(p.amount) AS vested
             FROM coop_postings p JOIN coop_journal_entries e ON e.id = p.entry_id
            WHERE e.ledger = 'units' AND p.account = 'vested'
            GROUP BY p.member_id
         ) v ON v.member_id = m.account_id
        WHERE m.status <> 'pending' AND ($1::uuid[] IS NULL OR m.account_id = ANY($1::uuid[]))`,
      [only ?? null],
    );
    const tuples = JSON.parse(row?.members ?? '[]') as [string, string, string, MemberStatus, number][];
    return tuples.map(([id, accountId, joinedAt, status, vestedUnits]) => ({
      id,
      accountId,
      joinedAt,
      status,
      vestedUnits,
    }));
  }

  /**
   * The events recorded after `afterSeq`, chunk by chunk in seq order, each chunk's text (each
   * event's JSON was written when it was recorded: a chunk travels as one text value, the events'
   * JSON joined by commas, canonical as CoopEventRepository writes it, ADR 0071) handed to
   * `onChunk` with how many events it holds, then dropped: a close never holds all its events.
   * The server aggregates the next chunk while this process handles the last. Once the last seq
   * is known, `afterLast(through)` is issued before the last chunk is handled (its promise is
   * returned as `after`, to be awaited by the caller). `upTo`: read no event past this seq (a
   * closed period's watermark). Returns how many events there were and the last seq among them.
   */
  async snapshotEvents<T>(
    manager: EntityManager,
    afterSeq: number,
    afterLast: (through: number) => Promise<T>,
    onChunk: (text: string, count: number) => void,
    upTo: number | null = null,
  ): Promise<{ count: number; through: number; after: Promise<T> }> {
    let count = 0;
    let through = afterSeq;
    let after: Promise<T> | undefined;
    let next: Promise<EventsChunk> | undefined = this.eventsChunk(manager, afterSeq, upTo);
    while (next) {
      const chunk: EventsChunk = await next;
      if (chunk.count > 0) through = chunk.through;
      if (chunk.count === EVENTS_CHUNK) next = settledLater(this.eventsChunk(manager, through, upTo));
      else {
        next = undefined;
        after = settledLater(afterLast(through));
      }
      await whenSent(manager);
      if (chunk.count === 0) break;
      count += chunk.count;
      onChunk(chunk.text, chunk.count);
    }
    return { count, through, after: after! };
  }

  /**
   * The internal snapshot a closed period ran, whole: the document stored without its events and
   * the coop_events rows it counted, read again in seq order (ADR 0070: they are frozen once
   * counted), or the stored document of a close before that. Null when it stored none.
   */
  async internalSnapshotOf(
    period: Pick<CoopPeriodEntity, 'snapshot' | 'snapshotEventsAfter' | 'eventsThrough'>,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PeriodSnapshot | null> {
    const { snapshot, snapshotEventsAfter, eventsThrough } = period;
    if (!snapshot || snapshotEventsAfter === null || eventsThrough === null) return snapshot;
    const events: SnapshotEvent[] = [...snapshot.events];
    await this.snapshotEvents(
      manager,
      snapshotEventsAfter,
      () => Promise.resolve(),
      (text) => {
        for (const event of JSON.parse(`[${text}]`) as SnapshotEvent[]) events.push(event);
      },
      eventsThrough,
    );
    return { ...snapshot, events };
  }

  /**
   * What a streamed publication needs before it sees the events recorded after `afterSeq`: the id
   * each REVERSAL among them reverses (a reversal comes after its target), and how many events
   * there are (the publisher sizes its columns once). In the close's transaction (or a
   * preview's), these are exactly the events snapshotEvents will read.
   */
  async eventsAhead(manager: EntityManager, afterSeq: number): Promise<{ count: number; reversed: Set<string> }> {
    const [row]: { count: number; ids: string | null }[] = await manager.query(
      `SELECT count(*)::int AS count, json_agg(reverses) FILTER (WHERE type = $2)::text AS ids
         FROM coop_events WHERE seq > $1`,
      [afterSeq, REVERSAL],
    );
    return { count: row?.count ?? 0, reversed: new Set(JSON.parse(row?.ids ?? '[]') as string[]) };
  }

  /**
   * Up to EVENTS_CHUNK events after `afterSeq`, their JSON joined by commas, and the last seq.
   * Rows come in seq order from the seq index into a plain aggregate (tuneForClose turns
   * parallel plans off, so one process aggregates them in that order): no sort.
   */
  private async eventsChunk(manager: EntityManager, afterSeq: number, upTo: number | null): Promise<EventsChunk> {
    const [row]: { text: string | null; through: string | null; count: number }[] = await manager.query(
      `SELECT string_agg(snapshot_json, ',') AS text, max(seq)::text AS through, count(*)::int AS count
         FROM (SELECT snapshot_json, seq FROM coop_events WHERE seq > $1 AND seq <= $3 ORDER BY seq LIMIT $2) e`,
      [afterSeq, EVENTS_CHUNK, upTo ?? MAX_SEQ],
    );
    return { text: row.text ?? '', through: row.through === null ? afterSeq : Number(row.through), count: row.count };
  }

  /** Revenue and costs recorded after `afterSeq`, and the last seq among them. */
  async snapshotMoney(
    manager: EntityManager,
    afterSeq: number,
  ): Promise<{ revenue: number; costs: number; through: number }> {
    const [row]: { revenue: string; costs: string; through: string | null }[] = await manager.query(
      `SELECT coalesce(sum(amount_cents) FILTER (WHERE kind = 'revenue'), 0)::text AS revenue,
              coalesce(sum(amount_cents) FILTER (WHERE kind = 'cost'), 0)::text AS costs,
              max(seq)::text AS through
         FROM coop_payments WHERE seq > $1`,
      [afterSeq],
    );
    return {
      revenue: Number(row.revenue),
      costs: Number(row.costs),
      through: row.through === null ? afterSeq : Number(row.through),
    };
  }
}
