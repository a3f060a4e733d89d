import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { canonicalPartBuffers } from '../engine/canonical-parts';
import { EventColumnsJson, type EventColumns } from '../engine/event-columns';
import type { PeriodSnapshot } from '../engine/snapshot';
import { CoopPeriodEntity, WITHOUT_SNAPSHOTS, type PeriodRow } from './coop-period.entity';
import { withEvents, type PublishedHead } from '../transparency/published-snapshot';
import { settledLater, whenSent } from './in-flight';

/** Every close takes this session lock first: closes run one at a time, across processes. */
const CLOSE_LOCK = 'guildhall:coop-close';
const SERIALIZATION_FAILURE = '40001';
const CLOSE_ATTEMPTS = 5;
/** Bytes per part of a stored published snapshot (see storePublished). */
const PUBLISHED_PART_BYTES = 8 << 20;
/** Parts of a published snapshot sent and not yet stored, at most (see storePublished). */
const PARTS_IN_FLIGHT = 2;

/**
 * SQL for the published text of the period row `p` (see publishedText): the parts joined, or the
 * stored document of a period closed before them. Only this repository and the transparency
 * one read it.
 */
export const PUBLISHED_TEXT_SQL = (p: string): string =>
  `coalesce((SELECT string_agg(part, '' ORDER BY n) FROM coop_published_parts WHERE period_id = ${p}.id),
            coalesce(${p}.published_snapshot, ${p}.snapshot)::text)`;

@Injectable()
export class CoopPeriodRepository {
  private readonly logger = new Logger(CoopPeriodRepository.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findOpen(manager: EntityManager = this.dataSource.manager): Promise<CoopPeriodEntity | null> {
    return manager.getRepository(CoopPeriodEntity).findOneBy({ status: 'open' });
  }

  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<CoopPeriodEntity | null> {
    return manager.getRepository(CoopPeriodEntity).findOneBy({ id });
  }

  /** findById without the stored snapshots (`snapshot`, `publishedSnapshot` undefined). */
  findWithoutSnapshots(id: string, manager: EntityManager): Promise<PeriodRow | null> {
    return manager.getRepository(CoopPeriodEntity).findOne({ where: { id }, select: WITHOUT_SNAPSHOTS });
  }

  /**
   * The snapshot a closed period published (before ADR 0022: the one it stored), parsed from
   * publishedText; the internal snapshot beside it is not read.
   */
  async publishedSnapshotOf(
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PeriodSnapshot | null> {
    const text = await this.publishedText(id, manager);
    return text ? (JSON.parse(text) as PeriodSnapshot) : null;
  }

  /**
   * The period numbered `seq` without its stored snapshots (`snapshot` and `publishedSnapshot`
   * are undefined): a close reads its predecessors' balances and watermarks, not the hundreds of
   * MB of JSON they published.
   */
  findBySeq(manager: EntityManager, seq: number): Promise<PeriodRow | null> {
    return manager.getRepository(CoopPeriodEntity).findOne({ where: { seq }, select: WITHOUT_SNAPSHOTS });
  }

  /** The period before `seq` (null for the first), without its stored snapshots. */
  findPrevious(seq: number): Promise<PeriodRow | null> {
    return seq > 1 ? this.findBySeq(this.dataSource.manager, seq - 1) : Promise.resolve(null);
  }

  /** Events and money recorded after the watermarks (the open period's so far). */
  async activitySince(
    afterEventSeq: number,
    afterPaymentSeq: number,
  ): Promise<{ events: number; revenueCents: number; costsCents: number }> {
    const [row]: { events: number; revenue: string; costs: string }[] = await this.dataSource.query(
      `SELECT (SELECT count(*) FROM coop_events WHERE seq > $1)::int AS events,
              coalesce(sum(amount_cents) FILTER (WHERE kind = 'revenue'), 0)::text AS revenue,
              coalesce(sum(amount_cents) FILTER (WHERE kind = 'cost'), 0)::text AS costs
         FROM coop_payments WHERE seq > $2`,
      [afterEventSeq, afterPaymentSeq],
    );
    return { events: row.events, revenueCents: Number(row.revenue), costsCents: Number(row.costs) };
  }

  /** Closed periods, oldest first. */
  findClosed(): Promise<CoopPeriodEntity[]> {
    return this.dataSource.getRepository(CoopPeriodEntity).find({ where: { status: 'closed' }, order: { seq: 'ASC' } });
  }

  /** The events watermark of the close before the period numbered `seq` (0 for the first). */
  async eventsThroughBefore(seq: number): Promise<number> {
    const [row]: { through: string | null }[] = await this.dataSource.query(
      `SELECT events_through::text AS through FROM coop_periods WHERE seq = $1`,
      [seq - 1],
    );
    return Number(row?.through ?? 0);
  }

  /** Whether any period has this id or `id.N`. */
  async countWithBase(manager: EntityManager, base: string): Promise<number> {
    const [row]: { n: number }[] = await manager.query(
      `SELECT count(*)::int AS n FROM coop_periods WHERE id = $1 OR id LIKE $1 || '.%'`,
      [base],
    );
    return row.n;
  }

  async lastSeq(manager: EntityManager): Promise<number> {
    const [row]: { seq: number | null }[] = await manager.query(`SELECT max(seq) AS seq FROM coop_periods`);
    return row.seq ?? 0;
  }

  /**
   * Inserts an open period with its pseudonym key (drawn at opening so that a preview of its
   * close derives the close's pseudonyms); false when one is open already (the partial unique
   * index).
   */
  async insertOpen(
    manager: EntityManager,
    period: Omit<CoopPeriodEntity, 'status' | NullOnOpen> & Pick<CoopPeriodEntity, 'pseudonymKey'>,
  ): Promise<boolean> {
    const result = await manager
      .getRepository(CoopPeriodEntity)
      .createQueryBuilder()
      .insert()
      .values({ ...period, status: 'open' })
      .orIgnore()
      .returning('id')
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  /**
   * Stores the internal snapshot of the period being closed (ADR 0070): the document without its
   * events, and where they are: the coop_events rows after `eventsAfter` up to the period's
   * watermark (markClosed), which the database freezes once the period is closed. The events are
   * not copied: CloseSnapshotReader.internalSnapshotOf reads them again.
   */
  async storeSnapshot(
    manager: EntityManager,
    id: string,
    head: Omit<PeriodSnapshot, 'events'>,
    eventsAfter: number,
  ): Promise<void> {
    await manager.query(
      `UPDATE coop_periods SET snapshot = $2::json, snapshot_events_after = $3 WHERE id = $1 AND status = 'open'`,
      [id, JSON.stringify({ ...head, events: [] }), eventsAfter],
    );
  }

  /**
   * Stores the published snapshot of the period being closed (`head` and its `events` as columns,
   * ADR 0073): its canonical JSON text (ADR 0071) as rows of PUBLISHED_PART_BYTES in
   * coop_published_parts (ADR 0069), never the whole text as one value in this process or the
   * server; and in `published_snapshot` the document without its events (`events: []`), which
   * pages that read the members use. Returns the stored text's
   * SHA-256 (lowercase hex: the snapshot's canonical hash, i.e. its result's inputHash, computed
   * on the bytes stored). At most PARTS_IN_FLIGHT parts are held, sent and not yet stored.
   */
  async storePublished(manager: EntityManager, id: string, head: PublishedHead, events: EventColumns): Promise<string> {
    const digest = createHash('sha256');
    const inFlight: Promise<ArrayBuffer>[] = [];
    // A part's buffer is written again only once its row is stored (the driver holds a queued
    // statement's parameters until it sends it).
    const spare: ArrayBuffer[] = [];
    let n = 0;
    const document = { ...head, events: new EventColumnsJson(events) };
    // Each part is UTF-8 bytes, sent as they are: a binary parameter, which a text column reads as
    // its text.
    for (const part of canonicalPartBuffers(document, PUBLISHED_PART_BYTES, spare)) {
      inFlight.push(
        settledLater(
          manager
            .query(`INSERT INTO coop_published_parts (period_id, n, part) VALUES ($1, $2, $3)`, [id, n++, part])
            .then(() => part.buffer as ArrayBuffer),
        ),
      );
      await whenSent(manager);
      digest.update(part);
      if (inFlight.length >= PARTS_IN_FLIGHT) spare.push(await inFlight.shift()!);
    }
    for (const inserted of inFlight) await inserted;
    await manager.query(`UPDATE coop_periods SET published_snapshot = $2::json WHERE id = $1 AND status = 'open'`, [
      id,
      JSON.stringify(withEvents(head, [])),
    ]);
    return digest.digest('hex');
  }

  /**
   * The text of the snapshot a closed period published, as its close wrote it (canonical JSON
   * since ADR 0071, JSON.stringify's before): joined from its parts (ADR 0069), or the stored
   * document for periods closed before them (before ADR 0022: the internal snapshot, which those
   * closes published). Null for an unknown period.
   */
  async publishedText(id: string, manager: EntityManager = this.dataSource.manager): Promise<string | null> {
    const [row]: { text: string | null }[] = await manager.query(
      `SELECT ${PUBLISHED_TEXT_SQL('p')} AS text FROM coop_periods p WHERE p.id = $1`,
      [id],
    );
    return row?.text ?? null;
  }

  /**
   * publishedText as it is stored, a part at a time, each read when the one before was taken: a
   * download streams it without building one value (past ten million events the text is more
   * than PostgreSQL or V8 holds in one). Nothing for an unknown period.
   */
  async *publishedTextParts(id: string): AsyncGenerator<string> {
    let n = 0;
    for (; ; n++) {
      const [row]: { part: string }[] = await this.dataSource.query(
        `SELECT part FROM coop_published_parts WHERE period_id = $1 AND n = $2`,
        [id, n],
      );
      if (!row) break;
      yield row.part;
    }
    if (n > 0) return;
    const text = await this.publishedText(id);
    if (text !== null) yield text;
  }

  /**
   * Marks the period closed with its result (its snapshots are stored already: storeSnapshot,
   * storePublished).
   */
  async markClosed(
    manager: EntityManager,
    id: string,
    close: Pick<
      CoopPeriodEntity,
      Exclude<NullOnOpen, 'snapshot' | 'publishedSnapshot' | 'snapshotEventsAfter'> | 'endsAt'
    >,
  ): Promise<void> {
    // The result is written to JSON when this is called, not when the statement is sent: a close
    // queues this behind its money entry's insert and writes the JSON (a million members' at
    // scale) while the server inserts (ADR 0075).
    const result = close.result === null ? null : JSON.stringify(close.result);
    await manager.query(
      `UPDATE coop_periods
          SET status = 'closed', ends_at = $2, result = $3::json, input_hash = $4, output_hash = $5,
              events_through = $6, payments_through = $7, pseudonym_key = $8, closed_at = $9
        WHERE id = $1 AND status = 'open'`,
      [
        id,
        close.endsAt,
        result,
        close.inputHash,
        close.outputHash,
        close.eventsThrough,
        close.paymentsThrough,
        close.pseudonymKey,
        close.closedAt,
      ],
    );
  }

  /**
   * Runs `work` in one SERIALIZABLE transaction while holding the close lock (taken before the
   * transaction begins, so its snapshot sees every earlier close) and holding recordings (see
   * holdRecording). A serialization failure is
   * retried from scratch; a crash rolls everything back and the lock dies with the connection.
   */
  async withCloseLock<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [CLOSE_LOCK]);
      for (let attempt = 1; ; attempt++) {
        await runner.startTransaction('SERIALIZABLE');
        try {
          // Before any query: the transaction's snapshot is taken at its first query, and must
          // see every recording that committed while this lock waited for it.
          await this.holdRecording(runner.manager);
          const value = await work(runner.manager);
          await runner.commitTransaction();
          return value;
        } catch (error) {
          await runner.rollbackTransaction();
          const code = error instanceof QueryFailedError ? (error.driverError as { code?: string }).code : undefined;
          if (code !== SERIALIZATION_FAILURE || attempt >= CLOSE_ATTEMPTS) throw error;
          this.logger.warn({ msg: 'period close serialization failure, retrying', attempt });
        }
      }
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [CLOSE_LOCK]).catch(() => undefined);
      await runner.release();
    }
  }

  /**
   * Runs `work` in a READ ONLY, REPEATABLE READ transaction (one consistent view of the
   * database) that is always rolled back: a close's preview reads exactly as a close would and
   * cannot write anything, whatever `work` tries.
   */
  async readOnly<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      try {
        await runner.query('SET TRANSACTION READ ONLY');
        return await work(runner.manager);
      } finally {
        await runner.rollbackTransaction();
      }
    } finally {
      await runner.release();
    }
  }

  /**
   * A close aggregates a period's events in one query and writes its snapshot (a
   * million events are ~100 MB of JSON): room to sort in memory, and lz4 (much faster than the
   * default pglz) to compress the stored snapshot where the server has it; no parallel plans (the
   * events are aggregated in seq order, see snapshotEvents). This transaction only.
   */
  async tuneForClose(manager: EntityManager): Promise<void> {
    await manager.query(
      `SELECT set_config('work_mem', '256MB', true), set_config('max_parallel_workers_per_gather', '0', true)`,
    );
    const [lz4]: { available: boolean }[] = await manager.query(
      `SELECT 'lz4' = ANY(enumvals) AS available FROM pg_settings WHERE name = 'default_toast_compression'`,
    );
    if (lz4?.available) await manager.query(`SELECT set_config('default_toast_compression', 'lz4', true)`);
  }

  /**
   * Waits for recordings in flight and holds new ones until the close commits, so everything
   * recorded up to the watermark is visible to the snapshot and nothing lands beneath it later.
   */
  private async holdRecording(manager: EntityManager): Promise<void> {
    await manager.query('LOCK TABLE coop_events, coop_payments IN SHARE MODE');
  }
}

type NullOnOpen =
  | 'snapshot'
  | 'snapshotEventsAfter'
  | 'publishedSnapshot'
  | 'pseudonymKey'
  | 'result'
  | 'inputHash'
  | 'outputHash'
  | 'eventsThrough'
  | 'paymentsThrough'
  | 'closedAt';
